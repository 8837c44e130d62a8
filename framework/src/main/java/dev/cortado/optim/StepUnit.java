package dev.cortado.optim;

import java.util.Locale;

/** What one schedule step is: an update (iteration) or a pass over the training set (epoch). */
public enum StepUnit {
    ITERATION, EPOCH;

    public static StepUnit parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "iteration", "iterations", "iter" -> ITERATION;
            case "epoch", "epochs" -> EPOCH;
            default -> throw new IllegalArgumentException("unknown schedule step unit '" + name + "'; expected iteration or epoch");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
