package dev.cortado.models;

import java.util.List;
import java.util.Set;

/**
 * A model config with its blocks expanded: input shape (C, H, W), the layers in order, the names of
 * the variables it declares (what overrides may set), and the reference parameter count the file
 * declares (0 when it declares none).
 */
public record ModelConfig(String name, String description, String source, List<Integer> input,
                          List<LayerEntry> layers, Set<String> variables, long referenceParameters) {

    /** Whether an override of {@code variable} means anything to this config. */
    public boolean declares(String variable) {
        return variables.contains(variable);
    }

    /** The same model taking input of another shape [C, H, W]. */
    public ModelConfig withInput(List<Integer> shape) {
        return new ModelConfig(name, description, source, List.copyOf(shape), layers, variables, referenceParameters);
    }
}
