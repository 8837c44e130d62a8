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
 * Parametric ReLU (He et al. 2015): y = x for x > 0, a_c·x otherwise, with one learnable slope per
 * channel starting at 0.25 and, as in the paper, no weight decay on it.
 */
public final class PReluLayer extends AbstractLayer {
    static final float INITIAL_SLOPE = 0.25f;

    private final int channels;
    private final Parameter slope;
    private final ReusableTensor output = reusableTensor();
    private final ReusableTensor inputGradient = reusableTensor();
    private Tensor input;

    public PReluLayer(String name, ParameterFactory params, Shape inputShape) {
        super(name, params.backend());
        featuresOrImages(List.of(inputShape));
        this.channels = inputShape.channels();
        this.slope = register(params.create(name + ".weight", Shape.of(channels),
                new InitSpec.Constant(INITIAL_SLOPE), new Fans(1, 1), false));
    }

    @Override
    public String type() {
        return "PReLU";
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        return featuresOrImagesOf(inputShapes, channels);
    }

    /** One multiply per element. */
    @Override
    public long flops(List<Shape> inputShapes) {
        return outputShape(inputShapes).size();
    }

    @Override
    public Tensor forward(List<Tensor> inputs, Mode mode) {
        Tensor x = inputs.get(0);
        Tensor y = output.get(x.shape());
        backend.activations().preluForward(x, slope.value(), y);
        input = x;
        return y;
    }

    @Override
    public List<Tensor> backward(Tensor gradOutput, boolean needInputGradient) {
        Tensor dx = inputGradient.get(input.shape());
        backend.activations().preluBackward(input, slope.value(), gradOutput, dx, slope.gradient());
        return needInputGradient ? List.of(dx) : List.of();
    }
}
