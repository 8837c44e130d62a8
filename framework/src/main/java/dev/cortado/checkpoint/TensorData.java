package dev.cortado.checkpoint;

import dev.cortado.tensor.Shape;

/** A tensor's shape and its elements on the host, row-major, as a checkpoint stores them. */
public record TensorData(Shape shape, float[] data) {
    public TensorData {
        if (shape == null || data == null) {
            throw new IllegalArgumentException("tensor data: shape and data are required");
        }
        if (shape.size() != data.length) {
            throw new IllegalArgumentException("tensor data: shape " + shape + " needs " + shape.size()
                    + " values, got " + data.length);
        }
    }
}
