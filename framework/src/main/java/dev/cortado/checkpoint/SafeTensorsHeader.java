package dev.cortado.checkpoint;

import dev.cortado.tensor.Shape;
import java.util.Map;

/** A safetensors file's header: tensor shapes by name in header order, and the string metadata. */
public record SafeTensorsHeader(Map<String, Shape> shapes, Map<String, String> metadata) {
}
