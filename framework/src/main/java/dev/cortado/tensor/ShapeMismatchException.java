package dev.cortado.tensor;

/** An op or layer received tensors whose shapes do not fit together; the message names both. */
public class ShapeMismatchException extends IllegalArgumentException {
    public ShapeMismatchException(String message) {
        super(message);
    }

    public ShapeMismatchException(String where, Shape expected, Shape actual) {
        super(where + ": expected shape " + expected + " but got " + actual);
    }
}
