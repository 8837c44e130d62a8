package dev.cortado.nn.layers;

import dev.cortado.backend.Activation;
import dev.cortado.backend.Backend;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;

/** A pointwise nonlinearity (ReLU, leaky ReLU, ELU, sigmoid, tanh, softplus, swish) of any input shape. */
public final class ActivationLayer extends SingleInputLayer {
    private final Activation activation;

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
    protected void compute(Tensor x, Tensor y) {
        backend.activations().forward(activation, x, y);
    }

    @Override
    protected void gradient(Tensor x, Tensor y, Tensor dy, Tensor dx) {
        backend.activations().backward(activation, x, y, dy, dx);
    }
}
