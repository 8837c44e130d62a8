package dev.cortado.nn.init;

import java.util.SplittableRandom;

/** Normal draws by the Box–Muller transform: SplittableRandom has no nextGaussian on Java 17. */
final class Gaussian {
    private Gaussian() {
    }

    static void fill(float[] values, double mean, double std, SplittableRandom random) {
        for (int i = 0; i < values.length; i += 2) {
            // 1 - u lies in (0, 1], so the logarithm is finite.
            double radius = Math.sqrt(-2 * Math.log(1 - random.nextDouble()));
            double angle = 2 * Math.PI * random.nextDouble();
            values[i] = (float) (mean + std * radius * Math.cos(angle));
            if (i + 1 < values.length) {
                values[i + 1] = (float) (mean + std * radius * Math.sin(angle));
            }
        }
    }
}
