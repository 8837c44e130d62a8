package dev.cortado.optim;

/**
 * The learning rate as a pure function of the step (an iteration or an epoch, as the trainer is
 * configured), so that resuming from a checkpoint needs only the step count. Steps count from 0:
 * {@code rate(0)} is the rate of the first update.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    float rate(long step);

    /** Rejects negative steps with the schedule's name. */
    static void requireStep(String schedule, long step) {
        if (step < 0) {
            throw new IllegalArgumentException(schedule + " schedule: step must be >= 0, got " + step);
        }
    }

    /** Rejects a base rate that is negative, NaN or infinite. */
    static void requireBaseRate(String schedule, float baseRate) {
        if (!(baseRate >= 0f) || Float.isInfinite(baseRate)) {
            throw new IllegalArgumentException(schedule + " schedule: baseRate must be a finite number >= 0, got " + baseRate);
        }
    }
}
