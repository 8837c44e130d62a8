package dev.cortado.nn.init;

import dev.cortado.tensor.Shape;

/**
 * The fan-in and fan-out of a layer's weight, as PyTorch's {@code _calculate_fan_in_and_fan_out}:
 * a dense weight {@code [out, in]} has fan-in {@code in}; a convolution weight {@code [K, C/g, kh, kw]}
 * has fan-in {@code C/g·kh·kw} and fan-out {@code K·kh·kw}. A layer passes its weight's fans to
 * the initializers of all its parameters, so a bias can be drawn from U(-1/√fan_in, 1/√fan_in).
 */
public record Fans(int fanIn, int fanOut) {

    public Fans {
        if (fanIn < 1 || fanOut < 1) {
            throw new IllegalArgumentException("fans must be positive, got fan-in " + fanIn + " and fan-out " + fanOut);
        }
    }

    /** Fans of a weight tensor of rank at least 2: dims 0 and 1 are output and input, the rest the receptive field. */
    public static Fans ofWeight(Shape weight) {
        if (weight.rank() < 2) {
            throw new IllegalArgumentException("fans need a weight of rank 2 or more, got " + weight);
        }
        int receptiveField = weight.spatialSize();
        return new Fans(weight.dim(1) * receptiveField, weight.dim(0) * receptiveField);
    }

    /** The fan {@link FanMode} selects. */
    public double fan(FanMode mode) {
        return switch (mode) {
            case FAN_IN -> fanIn;
            case FAN_OUT -> fanOut;
            case FAN_AVERAGE -> (fanIn + fanOut) / 2.0;
        };
    }
}
