package dev.cortado.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * The same schedule behind a linear warmup of {@code steps} steps from {@code startFactor}·lr (see
     * {@link LinearWarmup}): a multistep schedule's milestones still count from the start of training,
     * the other schedules start after the warmup.
     */
    public ScheduleSpec withWarmup(long steps, float startFactor) {
        return new ScheduleSpec(type, unit, gamma, stepSize, milestones, power, totalSteps, minRate, steps, startFactor);
    }

    /** The same schedule stepped per iteration or per epoch. */
    public ScheduleSpec per(StepUnit newUnit) {
        return new ScheduleSpec(type, newUnit, gamma, stepSize, milestones, power, totalSteps, minRate, warmupSteps,
                warmupStartFactor);
    }

    /**
     * The fields this type uses, in a fixed order, as a checkpoint records them ({@code type} and
     * {@code unit} first; warmup fields only with a warmup); {@link #fromParameters} reads them back.
     */
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", type.configName());
        p.put("unit", unit.toString());
        switch (type) {
            case CONSTANT -> { }
            case STEP -> {
                p.put("stepSize", stepSize);
                p.put("gamma", gamma);
            }
            case MULTISTEP -> {
                p.put("milestones", milestones);
                p.put("gamma", gamma);
            }
            case EXPONENTIAL -> p.put("gamma", gamma);
            case INVERSE_TIME -> {
                p.put("gamma", gamma);
                p.put("power", power);
            }
            case POLYNOMIAL -> {
                p.put("totalSteps", totalSteps);
                p.put("power", power);
            }
            case COSINE -> {
                p.put("totalSteps", totalSteps);
                p.put("minRate", minRate);
            }
        }
        if (warmupSteps > 0) {
            p.put("warmupSteps", warmupSteps);
            p.put("warmupStartFactor", warmupStartFactor);
        }
        return p;
    }

    /**
     * The inverse of {@link #parameters()}: a spec of the named type with the entries present and
     * neutral values for the rest. Numbers may be any {@link Number} or a numeric string; an
     * unknown key is an error.
     */
    public static ScheduleSpec fromParameters(Map<String, ?> p) {
        Object typeName = p.get("type");
        if (typeName == null) {
            throw new IllegalArgumentException("schedule parameters: 'type' is missing");
        }
        ScheduleType type = ScheduleType.parse(typeName.toString());
        StepUnit unit = StepUnit.ITERATION;
        float gamma = 0.1f;
        long stepSize = 1;
        List<Long> milestones = List.of();
        float power = 1f;
        long totalSteps = 1;
        float minRate = 0f;
        long warmupSteps = 0;
        float warmupStartFactor = DEFAULT_WARMUP_START_FACTOR;
        for (Map.Entry<String, ?> e : p.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "type" -> { }
                case "unit" -> unit = StepUnit.parse(String.valueOf(v));
                case "gamma" -> gamma = (float) number("gamma", v);
                case "stepSize" -> stepSize = whole("stepSize", v);
                case "milestones" -> {
                    if (!(v instanceof List<?> list)) {
                        throw new IllegalArgumentException("schedule parameters: milestones must be a list, got " + v);
                    }
                    List<Long> m = new ArrayList<>();
                    for (Object o : list) {
                        m.add(whole("milestones", o));
                    }
                    milestones = m;
                }
                case "power" -> power = (float) number("power", v);
                case "totalSteps" -> totalSteps = whole("totalSteps", v);
                case "minRate" -> minRate = (float) number("minRate", v);
                case "warmupSteps" -> warmupSteps = whole("warmupSteps", v);
                case "warmupStartFactor" -> warmupStartFactor = (float) number("warmupStartFactor", v);
                default -> throw new IllegalArgumentException("schedule parameters: unknown key '" + e.getKey() + "'");
            }
        }
        return new ScheduleSpec(type, unit, gamma, stepSize, milestones, power, totalSteps, minRate, warmupSteps,
                warmupStartFactor);
    }

    private static double number(String key, Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("schedule parameters: " + key + " must be a number, got '" + v + "'", ex);
        }
    }

    private static long whole(String key, Object v) {
        double d = number(key, v);
        if (d != Math.rint(d) || Math.abs(d) > 1e15) {
            throw new IllegalArgumentException("schedule parameters: " + key + " must be a whole number, got " + v);
        }
        return (long) d;
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
        // Milestones are positions in the run: they count from its start, warmup or not (see LinearWarmup).
        LinearWarmup warmup = new LinearWarmup(inner, warmupSteps, warmupStartFactor, type == ScheduleType.MULTISTEP);
        return warmupSteps == 0 ? inner : warmup;
    }
}
