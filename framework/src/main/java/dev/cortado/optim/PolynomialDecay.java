package dev.cortado.optim;

/**
 * lr·(1 − t/T)^p, reaching 0 at step T and staying there (Caffe's "poly", PyTorch's PolynomialLR).
 */
public record PolynomialDecay(float baseRate, long totalSteps, float power) implements LearningRateSchedule {
    public PolynomialDecay {
        LearningRateSchedule.requireBaseRate("polynomial", baseRate);
        if (totalSteps < 1) {
            throw new IllegalArgumentException("polynomial schedule: totalSteps must be >= 1, got " + totalSteps);
        }
        if (!(power >= 0f) || Float.isInfinite(power)) {
            throw new IllegalArgumentException("polynomial schedule: power must be a finite number >= 0, got " + power);
        }
    }

    @Override
    public float rate(long step) {
        LearningRateSchedule.requireStep("polynomial", step);
        double t = Math.min(step, totalSteps);
        return (float) (baseRate * Math.pow(1.0 - t / totalSteps, power));
    }
}
