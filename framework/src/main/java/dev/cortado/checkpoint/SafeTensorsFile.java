package dev.cortado.checkpoint;

import java.util.Map;

/**
 * The contents of a safetensors file: tensors by name in header order, and the string metadata.
 * Both maps are unmodifiable.
 */
public record SafeTensorsFile(Map<String, TensorData> tensors, Map<String, String> metadata) {
}
