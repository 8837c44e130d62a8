package dev.cortado.optim;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The learning-rate schedules, by config name; Caffe's lr_policy names are accepted as aliases. */
public enum ScheduleType {
    CONSTANT("constant", "fixed"),
    STEP("step", "step"),
    MULTISTEP("multistep", "multistep"),
    EXPONENTIAL("exponential", "exp"),
    INVERSE_TIME("inverse_time", "inv"),
    POLYNOMIAL("polynomial", "poly"),
    COSINE("cosine", "cosine");

    private final String configName;
    private final String caffeName;

    ScheduleType(String configName, String caffeName) {
        this.configName = configName;
        this.caffeName = caffeName;
    }

    public String configName() {
        return configName;
    }

    public static ScheduleType parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (ScheduleType t : values()) {
            if (t.configName.equals(key) || t.caffeName.equals(key)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown learning-rate schedule '" + name + "'; expected one of "
                + Arrays.stream(values()).map(ScheduleType::configName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return configName;
    }
}
