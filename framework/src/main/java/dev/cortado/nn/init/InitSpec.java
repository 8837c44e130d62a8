package dev.cortado.nn.init;

import java.util.SplittableRandom;

/**
 * How a parameter's initial values are drawn. Each variant is a plain record that a config file can
 * describe; {@link #fill} draws the values on the host from a seeded generator, so the same seed gives
 * the same weights on every backend.
 */
public sealed interface InitSpec permits InitSpec.Constant, InitSpec.Uniform, InitSpec.Normal,
        InitSpec.Xavier, InitSpec.He {

    /** Writes initial values into {@code values}, for a parameter of a layer whose weight has {@code fans}. */
    void fill(float[] values, Fans fans, SplittableRandom random);

    /**
     * PyTorch's default for convolution and dense weights and biases: kaiming_uniform with a = √5,
     * whose bound √3·√(2/(1+a²))/√fan_in simplifies to exactly 1/√fan_in.
     */
    static InitSpec pytorchDefault() {
        return new He(Distribution.UNIFORM, FanMode.FAN_IN, (float) Math.sqrt(5));
    }

    static InitSpec zeros() {
        return new Constant(0f);
    }

    static InitSpec ones() {
        return new Constant(1f);
    }

    /** Glorot and Bengio (2010): σ = gain·√(2/(fan_in + fan_out)). */
    static InitSpec xavierUniform() {
        return new Xavier(Distribution.UNIFORM, FanMode.FAN_AVERAGE, 1f);
    }

    static InitSpec xavierNormal() {
        return new Xavier(Distribution.NORMAL, FanMode.FAN_AVERAGE, 1f);
    }

    /** He et al. (2015) for ReLU: σ = √(2/fan_in). */
    static InitSpec heNormal() {
        return new He(Distribution.NORMAL, FanMode.FAN_IN, 0f);
    }

    static InitSpec heUniform() {
        return new He(Distribution.UNIFORM, FanMode.FAN_IN, 0f);
    }

    /** Every value the same. */
    record Constant(float value) implements InitSpec {
        @Override
        public void fill(float[] values, Fans fans, SplittableRandom random) {
            java.util.Arrays.fill(values, value);
        }
    }

    /** U(low, high). */
    record Uniform(float low, float high) implements InitSpec {
        public Uniform {
            if (!(low <= high)) {
                throw new IllegalArgumentException("uniform init: need low <= high, got [" + low + ", " + high + "]");
            }
        }

        @Override
        public void fill(float[] values, Fans fans, SplittableRandom random) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (low + (high - low) * random.nextDouble());
            }
        }
    }

    /** N(mean, std²). */
    record Normal(float mean, float std) implements InitSpec {
        public Normal {
            if (!(std >= 0)) {
                throw new IllegalArgumentException("normal init: std must not be negative, got " + std);
            }
        }

        @Override
        public void fill(float[] values, Fans fans, SplittableRandom random) {
            Gaussian.fill(values, mean, std, random);
        }
    }

    /** Glorot and Bengio (2010): σ = gain/√fan, fan being the average of fan-in and fan-out by default. */
    record Xavier(Distribution distribution, FanMode mode, float gain) implements InitSpec {
        public Xavier {
            requireVarianceScaling("xavier", distribution, mode, gain);
        }

        @Override
        public void fill(float[] values, Fans fans, SplittableRandom random) {
            scaled(values, distribution, gain / Math.sqrt(fans.fan(mode)), random);
        }
    }

    /**
     * He et al. (2015), "Delving Deep into Rectifiers": σ = √(2/(1 + a²))/√fan for a (leaky) ReLU of
     * negative slope a; a = 0 is plain ReLU.
     */
    record He(Distribution distribution, FanMode mode, float negativeSlope) implements InitSpec {
        public He {
            requireVarianceScaling("he", distribution, mode, 1f);
        }

        public double gain() {
            return Math.sqrt(2.0 / (1 + (double) negativeSlope * negativeSlope));
        }

        @Override
        public void fill(float[] values, Fans fans, SplittableRandom random) {
            scaled(values, distribution, gain() / Math.sqrt(fans.fan(mode)), random);
        }
    }

    private static void requireVarianceScaling(String what, Distribution distribution, FanMode mode, float gain) {
        if (distribution == null || mode == null) {
            throw new IllegalArgumentException(what + " init: distribution and fan mode are required");
        }
        if (!(gain > 0)) {
            throw new IllegalArgumentException(what + " init: gain must be positive, got " + gain);
        }
    }

    /** Zero-mean values of standard deviation σ: U(-√3σ, √3σ) has variance σ². */
    private static void scaled(float[] values, Distribution distribution, double std, SplittableRandom random) {
        if (distribution == Distribution.NORMAL) {
            Gaussian.fill(values, 0, std, random);
        } else {
            double bound = Math.sqrt(3) * std;
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (bound * (2 * random.nextDouble() - 1));
            }
        }
    }
}
