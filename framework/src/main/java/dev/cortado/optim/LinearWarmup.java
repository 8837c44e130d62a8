package dev.cortado.optim;

/**
 * Linear warmup in front of any schedule: for t &lt; W the rate is the inner schedule's scaled by
 * s + (1 − s)·t/W, rising linearly from s towards 1; from step W on it is the inner schedule's alone.
 * Where the inner schedule's step 0 falls depends on what its steps mean:
 *
 * <ul>
 *   <li>A schedule with a length or a period (cosine over T steps, polynomial, step, exponential)
 *       starts after the warmup, as PyTorch's
 *       {@code SequentialLR([LinearLR(start_factor=s, total_iters=W), inner], milestones=[W])}
 *       runs it: the rate is (s + (1 − s)·t/W)·inner(0) during the warmup and inner(t − W) after it, so
 *       a cosine over T steps ends at step W + T.</li>
 *   <li>A schedule of milestones (multistep) names positions in the run, so it counts from the start
 *       of training, as Detectron2's {@code WarmupMultiStepLR} and PyTorch's
 *       {@code ChainedScheduler([LinearLR, MultiStepLR])} do: the rate is
 *       (s + (1 − s)·t/W)·inner(t) during the warmup and inner(t) after it; milestones 30, 60 drop the
 *       rate at steps 30 and 60 with or without a warmup.</li>
 * </ul>
 *
 * @param innerCountsFromStart true for the milestone kind: the inner schedule sees the step of the run
 */
public record LinearWarmup(LearningRateSchedule inner, long warmupSteps, float warmupStartFactor,
                           boolean innerCountsFromStart) implements LearningRateSchedule {
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

    /** A warmup after which the inner schedule starts at its own step 0. */
    public LinearWarmup(LearningRateSchedule inner, long warmupSteps, float warmupStartFactor) {
        this(inner, warmupSteps, warmupStartFactor, false);
    }

    @Override
    public float rate(long step) {
        LearningRateSchedule.requireStep("warmup", step);
        long innerStep = innerCountsFromStart ? step : Math.max(0, step - warmupSteps);
        if (step >= warmupSteps) {
            return inner.rate(innerStep);
        }
        double factor = warmupStartFactor + (1.0 - warmupStartFactor) * step / warmupSteps;
        return (float) (factor * inner.rate(innerStep));
    }
}
