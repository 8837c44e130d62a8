package dev.cortado.backend;

/**
 * A pointwise nonlinearity. {@code alpha} is the negative slope of leaky ReLU and the saturation
 * of ELU; the others ignore it.
 */
public record Activation(Kind kind, float alpha) {
    public enum Kind { RELU, LEAKY_RELU, ELU, SIGMOID, TANH, SOFTPLUS, SWISH }

    public static final Activation RELU = new Activation(Kind.RELU, 0);
    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0);
    public static final Activation TANH = new Activation(Kind.TANH, 0);
    public static final Activation SOFTPLUS = new Activation(Kind.SOFTPLUS, 0);
    public static final Activation SWISH = new Activation(Kind.SWISH, 0);

    public static Activation leakyRelu(float slope) {
        return new Activation(Kind.LEAKY_RELU, slope);
    }

    public static Activation elu(float alpha) {
        return new Activation(Kind.ELU, alpha);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case LEAKY_RELU, ELU -> kind.name().toLowerCase() + "(" + alpha + ")";
            default -> kind.name().toLowerCase();
        };
    }
}
