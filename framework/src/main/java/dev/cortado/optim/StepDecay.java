package dev.cortado.optim;

/** lr·γ^⌊t/s⌋: multiply by γ every {@code stepSize} steps (PyTorch's StepLR, Caffe's "step"). */
public record StepDecay(float baseRate, long stepSize, float gamma) implements LearningRateSchedule {
    public StepDecay {
        LearningRateSchedule.requireBaseRate("step", baseRate);
        if (stepSize < 1) {
            throw new IllegalArgumentException("step schedule: stepSize must be >= 1, got " + stepSize);
        }
        ExponentialDecay.requireGamma("step", gamma);
    }

    @Override
    public float rate(long step) {
        LearningRateSchedule.requireStep("step", step);
        return (float) (baseRate * Math.pow(gamma, step / stepSize));
    }
}
