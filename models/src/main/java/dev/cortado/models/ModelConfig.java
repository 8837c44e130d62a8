package dev.cortado.models;

import java.util.List;

/**
 * A model config with its blocks expanded: input shape (C, H, W), the layers in order, and the
 * reference parameter count the file declares (0 when it declares none).
 */
public record ModelConfig(String name, String description, String source, List<Integer> input,
                          List<LayerEntry> layers, long referenceParameters) {
}
