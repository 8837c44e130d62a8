package dev.cortado.nn.layers;

import dev.cortado.nn.Mode;
import dev.cortado.nn.Parameter;
import dev.cortado.nn.ParameterFactory;
import dev.cortado.nn.init.Fans;
import dev.cortado.nn.init.InitSpec;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;

/**
 * Fully connected: y = x·Wᵀ + b with W {@code [out, in]} as in PyTorch. An input of rank above 2
 * (a feature map) is read as {@code [N, C·H·W]}, which is the row-major layout it already has.
 */
public final class DenseLayer extends AbstractLayer {
    private final int inFeatures;
    private final Parameter weight;
    private final Parameter bias;
    private final ReusableTensor output = reusableTensor();
    private final ReusableTensor inputGradient = reusableTensor();
    /** The last forward input, and its {@code [N, in]} matrix view. */
    private Tensor source;
    private Tensor input;
    private Tensor gradient;
    private Tensor gradientView;

    public DenseLayer(String name, ParameterFactory params, Shape inputShape, int units, boolean withBias,
                      InitSpec weightInit, InitSpec biasInit) {
        super(name, params.backend());
        if (inputShape.rank() < 2) {
            throw mismatch("expects an input with a batch dimension and features, got " + inputShape);
        }
        if (units < 1) {
            throw new IllegalArgumentException("layer '" + name + "' (Dense): units must be positive, got " + units);
        }
        this.inFeatures = inputShape.sampleSize();
        Shape weightShape = Shape.of(units, inFeatures);
        Fans fans = Fans.ofWeight(weightShape);
        this.weight = register(params.create(name + ".weight", weightShape, weightInit, fans, true));
        this.bias = withBias ? register(params.create(name + ".bias", Shape.of(units), biasInit, fans, false)) : null;
    }

    @Override
    public String type() {
        return "Dense";
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        Shape in = single(inputShapes);
        if (in.rank() < 2 || in.sampleSize() != inFeatures) {
            throw mismatch("expects " + inFeatures + " features per sample, as [N, " + inFeatures
                    + "] or any shape of that many elements per sample, got " + in);
        }
        return Shape.of(in.batch(), weight.value().shape().dim(0));
    }

    /** 2·in FLOPs per output for the multiply-adds, plus 1 for the bias. */
    @Override
    public long flops(List<Shape> inputShapes) {
        return (2L * inFeatures + (bias != null ? 1 : 0)) * outputShape(inputShapes).size();
    }

    @Override
    public Tensor forward(List<Tensor> inputs, Mode mode) {
        Tensor x = inputs.get(0);
        Tensor y = output.get(outputShape(List.of(x.shape())));
        if (x != source) {
            // The matrix view is cached per input tensor: the producing layer reuses its output.
            source = x;
            input = x.shape().rank() == 2 ? x : x.reshape(x.shape().flattened());
        }
        backend.blas().gemm(false, true, 1f, input, weight.value(), 0f, y);
        if (bias != null) {
            backend.tensors().addChannelBias(y, bias.value());
        }
        return y;
    }

    /** dW = dyᵀ·x, db = Σ_n dy, dx = dy·W. */
    @Override
    public List<Tensor> backward(Tensor gradOutput, boolean needInputGradient) {
        backend.blas().gemm(true, false, 1f, gradOutput, input, 0f, weight.gradient());
        if (bias != null) {
            backend.tensors().channelBiasGradient(gradOutput, bias.gradient());
        }
        if (!needInputGradient) {
            return List.of();
        }
        Tensor dx = inputGradient.get(source.shape());
        if (dx != gradient) {
            gradient = dx;
            gradientView = dx.shape().rank() == 2 ? dx : dx.reshape(input.shape());
        }
        backend.blas().gemm(false, false, 1f, gradOutput, weight.value(), 0f, gradientView);
        return List.of(dx);
    }
}
