package dev.cortado.nn.layers;

import dev.cortado.backend.Activation;
import dev.cortado.backend.Backend;
import dev.cortado.nn.Mode;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;

/** A pointwise nonlinearity (ReLU, leaky ReLU, ELU, sigmoid, tanh, softplus, swish) of any input shape. */
public final class ActivationLayer extends AbstractLayer {
    private final Activation activation;
    private final Slot output = slot();
    private final Slot inputGradient = slot();
    private Tensor input;
    private Tensor lastOutput;

    public ActivationLayer(String name, Backend backend, Shape inputShape, Activation activation) {
        super(name, backend);
        this.activation = activation;
        single(List.of(inputShape));
    }

    public Activation activation() {
        return activation;
    }

    @Override
    public String type() {
        return switch (activation.kind()) {
            case RELU -> "ReLU";
            case LEAKY_RELU -> "LeakyReLU";
            case ELU -> "ELU";
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
            case SOFTPLUS -> "Softplus";
            case SWISH -> "Swish";
        };
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        return single(inputShapes);
    }

    /** One per element (a comparison for ReLU; transcendental functions are also counted as one). */
    @Override
    public long flops(List<Shape> inputShapes) {
        return single(inputShapes).size();
    }

    @Override
    public Tensor forward(List<Tensor> inputs, Mode mode) {
        Tensor x = inputs.get(0);
        Tensor y = output.get(x.shape());
        backend.activations().forward(activation, x, y);
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public List<Tensor> backward(Tensor gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return List.of();
        }
        Tensor dx = inputGradient.get(input.shape());
        backend.activations().backward(activation, input, lastOutput, gradOutput, dx);
        return List.of(dx);
    }
}
