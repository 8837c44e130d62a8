package dev.cortado.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer's type and hyperparameters, as a config or the command line describes them. Start
 * from {@link #defaults(OptimizerType)} and override with the {@code with…} methods; every
 * constructor call validates, and a bad value is reported with the field's name and the value.
 *
 * <p>Defaults follow PyTorch's ({@code torch.optim}): sgd lr 1e-3; adagrad lr 0.01, ε 1e-10;
 * adadelta lr 1.0, ρ 0.9, ε 1e-6; rmsprop lr 0.01, ρ (PyTorch's alpha) 0.99, ε 1e-8; adam lr 1e-3,
 * β (0.9, 0.999), ε 1e-8; adamw the same with weight decay 0.01. PyTorch's SGD has momentum 0,
 * which would make "momentum" and "nesterov" plain SGD, so those two default to the customary 0.9.
 * Fields a type does not use (β for sgd, say) are still validated and otherwise ignored.
 *
 * @param weightDecay L2 decay added to the gradient (g + λw), or decoupled (w -= lr·λw) for adamw
 * @param l1Strength  L1 penalty strength·Σ|w|, whose gradient strength·sign(w) is added to g
 */
public record OptimizerSpec(OptimizerType type, float learningRate, float momentum, float beta1, float beta2,
                            float epsilon, float rho, float weightDecay, float l1Strength) {

    public OptimizerSpec {
        if (type == null) {
            throw new IllegalArgumentException("optimizer: type is required");
        }
        String where = "optimizer " + type;
        atLeastZero(where, "learningRate", learningRate);
        inUnitInterval(where, "momentum", momentum, false);
        inUnitInterval(where, "beta1", beta1, false);
        inUnitInterval(where, "beta2", beta2, false);
        atLeastZero(where, "epsilon", epsilon);
        inUnitInterval(where, "rho", rho, true);
        atLeastZero(where, "weightDecay", weightDecay);
        atLeastZero(where, "l1Strength", l1Strength);
        if ((type == OptimizerType.MOMENTUM || type == OptimizerType.NESTEROV) && momentum == 0f) {
            throw new IllegalArgumentException(where + ": momentum must be > 0, got 0 (use sgd for no momentum)");
        }
        if (type == OptimizerType.SGD && momentum != 0f) {
            throw new IllegalArgumentException(where + ": momentum must be 0, got " + momentum
                    + " (use momentum or nesterov)");
        }
    }

    /** PyTorch's defaults for the type (see the class comment). */
    public static OptimizerSpec defaults(OptimizerType type) {
        return switch (type) {
            case SGD -> new OptimizerSpec(type, 1e-3f, 0f, 0.9f, 0.999f, 1e-8f, 0.9f, 0f, 0f);
            case MOMENTUM, NESTEROV -> new OptimizerSpec(type, 1e-3f, 0.9f, 0.9f, 0.999f, 1e-8f, 0.9f, 0f, 0f);
            case ADAGRAD -> new OptimizerSpec(type, 0.01f, 0f, 0.9f, 0.999f, 1e-10f, 0.9f, 0f, 0f);
            case ADADELTA -> new OptimizerSpec(type, 1.0f, 0f, 0.9f, 0.999f, 1e-6f, 0.9f, 0f, 0f);
            case RMSPROP -> new OptimizerSpec(type, 0.01f, 0f, 0.9f, 0.999f, 1e-8f, 0.99f, 0f, 0f);
            case ADAM -> new OptimizerSpec(type, 1e-3f, 0f, 0.9f, 0.999f, 1e-8f, 0.9f, 0f, 0f);
            case ADAMW -> new OptimizerSpec(type, 1e-3f, 0f, 0.9f, 0.999f, 1e-8f, 0.9f, 0.01f, 0f);
        };
    }

    /** {@link #defaults(OptimizerType)} by config name ("adam"). */
    public static OptimizerSpec defaults(String typeName) {
        return defaults(OptimizerType.parse(typeName));
    }

    public OptimizerSpec withLearningRate(float v) {
        return new OptimizerSpec(type, v, momentum, beta1, beta2, epsilon, rho, weightDecay, l1Strength);
    }

    public OptimizerSpec withMomentum(float v) {
        return new OptimizerSpec(type, learningRate, v, beta1, beta2, epsilon, rho, weightDecay, l1Strength);
    }

    public OptimizerSpec withBetas(float b1, float b2) {
        return new OptimizerSpec(type, learningRate, momentum, b1, b2, epsilon, rho, weightDecay, l1Strength);
    }

    public OptimizerSpec withEpsilon(float v) {
        return new OptimizerSpec(type, learningRate, momentum, beta1, beta2, v, rho, weightDecay, l1Strength);
    }

    public OptimizerSpec withRho(float v) {
        return new OptimizerSpec(type, learningRate, momentum, beta1, beta2, epsilon, v, weightDecay, l1Strength);
    }

    public OptimizerSpec withWeightDecay(float v) {
        return new OptimizerSpec(type, learningRate, momentum, beta1, beta2, epsilon, rho, v, l1Strength);
    }

    public OptimizerSpec withL1Strength(float v) {
        return new OptimizerSpec(type, learningRate, momentum, beta1, beta2, epsilon, rho, weightDecay, v);
    }

    /**
     * The hyperparameters this type uses, in a fixed order, as a checkpoint records them
     * ({@code type} first, then numbers); {@link #fromHyperparameters} reads them back.
     */
    public Map<String, Object> hyperparameters() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("type", type.configName());
        h.put("learningRate", learningRate);
        switch (type) {
            case SGD -> { }
            case MOMENTUM, NESTEROV -> h.put("momentum", momentum);
            case ADAGRAD -> h.put("epsilon", epsilon);
            case ADADELTA, RMSPROP -> {
                h.put("rho", rho);
                h.put("epsilon", epsilon);
            }
            case ADAM, ADAMW -> {
                h.put("beta1", beta1);
                h.put("beta2", beta2);
                h.put("epsilon", epsilon);
            }
        }
        h.put("weightDecay", weightDecay);
        h.put("l1Strength", l1Strength);
        return h;
    }

    /**
     * The inverse of {@link #hyperparameters()}: the type's defaults overridden by the entries
     * present. Numbers may be any {@link Number} or a numeric string; an unknown key is an error.
     */
    public static OptimizerSpec fromHyperparameters(Map<String, ?> h) {
        Object typeName = h.get("type");
        if (typeName == null) {
            throw new IllegalArgumentException("optimizer hyperparameters: 'type' is missing");
        }
        OptimizerSpec s = defaults(typeName.toString());
        for (Map.Entry<String, ?> e : h.entrySet()) {
            String key = e.getKey();
            if (key.equals("type")) {
                continue;
            }
            float v = number(key, e.getValue());
            s = switch (key) {
                case "learningRate" -> s.withLearningRate(v);
                case "momentum" -> s.withMomentum(v);
                case "beta1" -> s.withBetas(v, s.beta2);
                case "beta2" -> s.withBetas(s.beta1, v);
                case "epsilon" -> s.withEpsilon(v);
                case "rho" -> s.withRho(v);
                case "weightDecay" -> s.withWeightDecay(v);
                case "l1Strength" -> s.withL1Strength(v);
                default -> throw new IllegalArgumentException("optimizer hyperparameters: unknown key '" + key + "'");
            };
        }
        return s;
    }

    private static float number(String key, Object value) {
        if (value instanceof Number n) {
            return n.floatValue();
        }
        try {
            return Float.parseFloat(String.valueOf(value));
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("optimizer hyperparameters: " + key + " must be a number, got '"
                    + value + "'", ex);
        }
    }

    private static void atLeastZero(String where, String field, float v) {
        if (!(v >= 0f) || Float.isInfinite(v)) {
            throw new IllegalArgumentException(where + ": " + field + " must be a finite number >= 0, got " + v);
        }
    }

    /** [0, 1), or [0, 1] when {@code closed}; NaN fails both. */
    private static void inUnitInterval(String where, String field, float v, boolean closed) {
        boolean ok = v >= 0f && (closed ? v <= 1f : v < 1f);
        if (!ok) {
            throw new IllegalArgumentException(where + ": " + field + " must be in [0, 1" + (closed ? "]" : ")")
                    + ", got " + v);
        }
    }
}
