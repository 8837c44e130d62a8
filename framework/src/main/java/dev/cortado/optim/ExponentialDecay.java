package dev.cortado.optim;

/** lr·γ^t (PyTorch's ExponentialLR, Caffe's "exp"; the decks' α₀e^{-kt} with γ = e^{-k}). */
public record ExponentialDecay(float baseRate, float gamma) implements LearningRateSchedule {
    public ExponentialDecay {
        LearningRateSchedule.requireBaseRate("exponential", baseRate);
        requireGamma("exponential", gamma);
    }

    @Override
    public float rate(long step) {
        LearningRateSchedule.requireStep("exponential", step);
        return (float) (baseRate * Math.pow(gamma, step));
    }

    static void requireGamma(String schedule, float gamma) {
        if (!(gamma > 0f && gamma <= 1f)) {
            throw new IllegalArgumentException(schedule + " schedule: gamma must be in (0, 1], got " + gamma);
        }
    }
}
