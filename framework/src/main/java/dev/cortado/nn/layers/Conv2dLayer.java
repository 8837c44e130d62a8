package dev.cortado.nn.layers;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Parameter;
import dev.cortado.nn.ParameterFactory;
import dev.cortado.nn.init.Fans;
import dev.cortado.nn.init.InitSpec;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.List;

/** 2-D convolution with weights {@code [K, C/groups, kh, kw]} and an optional per-channel bias. */
public final class Conv2dLayer extends AbstractLayer {
    private final Conv2dSpec geometry;
    private final Parameter weight;
    private final Parameter bias;
    private final ReusableTensor output = reusableTensor();
    private final ReusableTensor inputGradient = reusableTensor();
    private Tensor input;

    public Conv2dLayer(String name, ParameterFactory params, Shape inputShape, int outChannels,
                       Conv2dSpec geometry, boolean withBias, InitSpec weightInit, InitSpec biasInit) {
        super(name, params.backend());
        this.geometry = geometry;
        if (inputShape.rank() != 4) {
            throw mismatch("expects an [N, C, H, W] input, got " + inputShape);
        }
        int c = inputShape.channels();
        if (outChannels < 1 || c % geometry.groups() != 0 || outChannels % geometry.groups() != 0) {
            throw mismatch(geometry.groups() + " group(s) must divide input channels " + c
                    + " and output channels " + outChannels + " (input " + inputShape + ")");
        }
        Shape weightShape = geometry.weightShape(c, outChannels);
        checkedOutputShape(inputShape, weightShape);
        Fans fans = Fans.ofWeight(weightShape);
        this.weight = register(params.create(name + ".weight", weightShape, weightInit, fans, true));
        this.bias = withBias
                ? register(params.create(name + ".bias", Shape.of(outChannels), biasInit, fans, false))
                : null;
    }

    @Override
    public String type() {
        return "Conv2d";
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        return checkedOutputShape(single(inputShapes), weight.value().shape());
    }

    private Shape checkedOutputShape(Shape in, Shape weightShape) {
        try {
            return geometry.outputShape(in, weightShape);
        } catch (ShapeMismatchException e) {
            throw mismatch("input " + in + " does not fit weight " + weightShape + ": " + e.getMessage());
        }
    }

    /** 2·(C/g·kh·kw) FLOPs per output element for the multiply-adds, plus 1 for the bias. */
    @Override
    public long flops(List<Shape> inputShapes) {
        Shape out = outputShape(inputShapes);
        Shape w = weight.value().shape();
        long perOutput = 2L * w.dim(1) * w.dim(2) * w.dim(3) + (bias != null ? 1 : 0);
        return perOutput * out.size();
    }

    @Override
    public Tensor forward(List<Tensor> inputs, Mode mode) {
        Tensor x = inputs.get(0);
        Tensor y = output.get(outputShape(List.of(x.shape())));
        backend.convolution().forward(x, weight.value(), geometry, y);
        if (bias != null) {
            backend.tensors().addChannelBias(y, bias.value());
        }
        input = x;
        return y;
    }

    @Override
    public List<Tensor> backward(Tensor gradOutput, boolean needInputGradient) {
        backend.convolution().backwardFilter(input, gradOutput, geometry, weight.gradient());
        if (bias != null) {
            backend.tensors().channelBiasGradient(gradOutput, bias.gradient());
        }
        if (!needInputGradient) {
            return List.of();
        }
        Tensor dx = inputGradient.get(input.shape());
        backend.convolution().backwardData(gradOutput, weight.value(), geometry, dx);
        return List.of(dx);
    }
}
