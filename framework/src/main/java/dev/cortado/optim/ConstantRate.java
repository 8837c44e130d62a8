package dev.cortado.optim;

/** The same rate at every step (Caffe's "fixed"). */
public record ConstantRate(float baseRate) implements LearningRateSchedule {
    public ConstantRate {
        LearningRateSchedule.requireBaseRate("constant", baseRate);
    }

    @Override
    public float rate(long step) {
        LearningRateSchedule.requireStep("constant", step);
        return baseRate;
    }
}
