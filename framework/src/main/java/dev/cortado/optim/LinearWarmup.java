package dev.cortado.optim;

/**
 * Linear warmup in front of any schedule, following PyTorch's
 * {@code SequentialLR([LinearLR(start_factor=s, total_iters=W), inner], milestones=[W])}:
 * for t &lt; W the rate is (s + (1 − s)·t/W)·inner(0), rising linearly from s·lr towards lr; from
 * step W on it is inner(t − W), so the inner schedule starts its own step 0 when the warmup ends
 * (a cosine over T steps then ends at step W + T).
 */
public record LinearWarmup(LearningRateSchedule inner, long warmupSteps, float warmupStartFactor)
        implements LearningRateSchedule {
    public LinearWarmup {
        if (inner == null) {
            throw new IllegalArgumentException("warmup: the schedule after the warmup is required");
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmup: warmupSteps must be >= 0, got " + warmupSteps);
        }
        if (!(warmupStartFactor >= 0f && warmupStartFactor <= 1f)) {
            throw new IllegalArgumentException("warmup: warmupStartFactor must be in [0, 1], got " + warmupStartFactor);
        }
    }

    @Override
    public float rate(long step) {
        LearningRateSchedule.requireStep("warmup", step);
        if (step >= warmupSteps) {
            return inner.rate(step - warmupSteps);
        }
        double factor = warmupStartFactor + (1.0 - warmupStartFactor) * step / warmupSteps;
        return (float) (factor * inner.rate(0));
    }
}
