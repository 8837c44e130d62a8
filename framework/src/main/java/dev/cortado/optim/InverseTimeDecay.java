package dev.cortado.optim;

/**
 * lr·(1 + γt)^(−p) (Caffe's "inv"); with p = 1 the decks' 1/t decay α₀/(1 + kt).
 */
public record InverseTimeDecay(float baseRate, float gamma, float power) implements LearningRateSchedule {
    public InverseTimeDecay {
        LearningRateSchedule.requireBaseRate("inverse_time", baseRate);
        if (!(gamma >= 0f) || Float.isInfinite(gamma)) {
            throw new IllegalArgumentException("inverse_time schedule: gamma must be a finite number >= 0, got " + gamma);
        }
        if (!(power >= 0f) || Float.isInfinite(power)) {
            throw new IllegalArgumentException("inverse_time schedule: power must be a finite number >= 0, got " + power);
        }
    }

    @Override
    public float rate(long step) {
        LearningRateSchedule.requireStep("inverse_time", step);
        return (float) (baseRate * Math.pow(1.0 + (double) gamma * step, -power));
    }
}
