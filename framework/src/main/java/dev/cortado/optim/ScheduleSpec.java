package dev.cortado.optim;

import java.util.List;

/**
 * A learning-rate schedule as a config or the command line describes it, independent of the base
 * rate (the optimizer's learning rate, given to {@link #build}). Fields a type does not use are
 * ignored; the ones it uses are validated on construction with the field's name and value.
 * Start from a factory ({@link #cosine}, …) and add {@link #withWarmup} or {@link #per}.
 *
 * @param unit              whether the trainer advances the schedule per iteration or per epoch
 * @param gamma             decay factor (step, multistep, exponential) or inverse-time rate
 * @param stepSize          steps between decays (step)
 * @param milestones        steps at which the rate drops by γ (multistep)
 * @param power             exponent (inverse_time, polynomial)
 * @param totalSteps        steps to reach the end of the schedule (polynomial, cosine)
 * @param minRate           the final rate (cosine)
 * @param warmupSteps       steps of linear warmup before the schedule; 0 for none
 * @param warmupStartFactor the warmup's first rate as a fraction of the base rate
 */
public record ScheduleSpec(ScheduleType type, StepUnit unit, float gamma, long stepSize, List<Long> milestones,
                           float power, long totalSteps, float minRate, long warmupSteps, float warmupStartFactor) {

    /** PyTorch's LinearLR default start factor. */
    public static final float DEFAULT_WARMUP_START_FACTOR = 1f / 3f;

    public ScheduleSpec {
        if (type == null) {
            throw new IllegalArgumentException("schedule: type is required");
        }
        if (unit == null) {
            throw new IllegalArgumentException("schedule " + type + ": unit is required (iteration or epoch)");
        }
        milestones = milestones == null ? List.of() : List.copyOf(milestones);
        // Building at base rate 1 runs every check of the schedule this spec describes, once.
        buildValidated(type, gamma, stepSize, milestones, power, totalSteps, minRate, warmupSteps, warmupStartFactor, 1f);
    }

    public static ScheduleSpec constant() {
        return of(ScheduleType.CONSTANT, 0.1f, 1, List.of(), 1f, 1, 0f);
    }

    public static ScheduleSpec step(long stepSize, float gamma) {
        return of(ScheduleType.STEP, gamma, stepSize, List.of(), 1f, 1, 0f);
    }

    public static ScheduleSpec multiStep(List<Long> milestones, float gamma) {
        return of(ScheduleType.MULTISTEP, gamma, 1, milestones, 1f, 1, 0f);
    }

    public static ScheduleSpec exponential(float gamma) {
        return of(ScheduleType.EXPONENTIAL, gamma, 1, List.of(), 1f, 1, 0f);
    }

    public static ScheduleSpec inverseTime(float gamma, float power) {
        return of(ScheduleType.INVERSE_TIME, gamma, 1, List.of(), power, 1, 0f);
    }

    public static ScheduleSpec polynomial(long totalSteps, float power) {
        return of(ScheduleType.POLYNOMIAL, 0.1f, 1, List.of(), power, totalSteps, 0f);
    }

    public static ScheduleSpec cosine(long totalSteps, float minRate) {
        return of(ScheduleType.COSINE, 0.1f, 1, List.of(), 1f, totalSteps, minRate);
    }

    private static ScheduleSpec of(ScheduleType type, float gamma, long stepSize, List<Long> milestones, float power,
                                   long totalSteps, float minRate) {
        return new ScheduleSpec(type, StepUnit.ITERATION, gamma, stepSize, milestones, power, totalSteps, minRate, 0,
                DEFAULT_WARMUP_START_FACTOR);
    }

    /** The same schedule behind a linear warmup of {@code steps} steps from {@code startFactor}·lr (see {@link LinearWarmup}). */
    public ScheduleSpec withWarmup(long steps, float startFactor) {
        return new ScheduleSpec(type, unit, gamma, stepSize, milestones, power, totalSteps, minRate, steps, startFactor);
    }

    /** The same schedule stepped per iteration or per epoch. */
    public ScheduleSpec per(StepUnit newUnit) {
        return new ScheduleSpec(type, newUnit, gamma, stepSize, milestones, power, totalSteps, minRate, warmupSteps,
                warmupStartFactor);
    }

    /** The schedule starting from the optimizer's learning rate {@code baseRate}. */
    public LearningRateSchedule build(float baseRate) {
        return buildValidated(type, gamma, stepSize, milestones, power, totalSteps, minRate, warmupSteps,
                warmupStartFactor, baseRate);
    }

    private static LearningRateSchedule buildValidated(ScheduleType type, float gamma, long stepSize, List<Long> milestones,
                                                       float power, long totalSteps, float minRate, long warmupSteps,
                                                       float warmupStartFactor, float baseRate) {
        LearningRateSchedule inner = switch (type) {
            case CONSTANT -> new ConstantRate(baseRate);
            case STEP -> new StepDecay(baseRate, stepSize, gamma);
            case MULTISTEP -> new MultiStepDecay(baseRate, milestones, gamma);
            case EXPONENTIAL -> new ExponentialDecay(baseRate, gamma);
            case INVERSE_TIME -> new InverseTimeDecay(baseRate, gamma, power);
            case POLYNOMIAL -> new PolynomialDecay(baseRate, totalSteps, power);
            case COSINE -> new CosineAnnealing(baseRate, totalSteps, minRate);
        };
        // Validate the warmup fields even when there is no warmup, so a bad factor never sits unnoticed.
        LinearWarmup warmup = new LinearWarmup(inner, warmupSteps, warmupStartFactor);
        return warmupSteps == 0 ? inner : warmup;
    }
}
