package dev.cortado.optim;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The update rules Cortado offers, by the name a config or the command line uses. */
public enum OptimizerType {
    SGD("sgd"),
    MOMENTUM("momentum"),
    NESTEROV("nesterov"),
    ADAGRAD("adagrad"),
    ADADELTA("adadelta"),
    RMSPROP("rmsprop"),
    ADAM("adam"),
    ADAMW("adamw");

    private final String configName;

    OptimizerType(String configName) {
        this.configName = configName;
    }

    /** The lower-case name used in configs, checkpoints and on the command line. */
    public String configName() {
        return configName;
    }

    /**
     * Tensors of state the optimizer keeps per parameter, each the parameter's shape: none for SGD,
     * the velocity for momentum and Nesterov, Σg² for AdaGrad, E[g²] for RMSProp, E[g²] and E[Δ²] for
     * AdaDelta, m and v for Adam and AdamW. Memory planning reads it before any optimizer exists;
     * OptimizerTest ties it to the state each {@link Optimizer} really allocates.
     */
    public int stateTensorsPerParameter() {
        return switch (this) {
            case SGD -> 0;
            case MOMENTUM, NESTEROV, ADAGRAD, RMSPROP -> 1;
            case ADADELTA, ADAM, ADAMW -> 2;
        };
    }

    /** Case-insensitive; an unknown name lists the known ones. */
    public static OptimizerType parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (OptimizerType t : values()) {
            if (t.configName.equals(key)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown optimizer '" + name + "'; expected one of "
                + Arrays.stream(values()).map(OptimizerType::configName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return configName;
    }
}
