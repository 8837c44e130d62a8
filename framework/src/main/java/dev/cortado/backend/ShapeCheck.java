package dev.cortado.backend;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;

/** Argument checks shared by every backend, so that both reject bad shapes with the same message. */
public final class ShapeCheck {
    private ShapeCheck() {
    }

    /** {@code tensor} must have exactly {@code expected}. */
    public static void require(String op, String name, Tensor tensor, Shape expected) {
        if (!tensor.shape().equals(expected)) {
            throw new ShapeMismatchException(op + ": " + name + " must have shape " + expected + ", got " + tensor.shape());
        }
    }

    /** Both tensors must have the same shape. */
    public static void same(String op, String nameA, Tensor a, String nameB, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new ShapeMismatchException(op + ": " + nameA + " " + a.shape() + " and " + nameB + " "
                    + b.shape() + " must have the same shape");
        }
    }

    /** Both tensors must hold the same number of elements. */
    public static void sameSize(String op, String nameA, Tensor a, String nameB, Tensor b) {
        if (a.size() != b.size()) {
            throw new ShapeMismatchException(op + ": " + nameA + " " + a.shape() + " and " + nameB + " "
                    + b.shape() + " must hold the same number of elements");
        }
    }

    public static void rank(String op, String name, Tensor tensor, int rank) {
        if (tensor.shape().rank() != rank) {
            throw new ShapeMismatchException(op + ": " + name + " must have rank " + rank + ", got " + tensor.shape());
        }
    }

    /** A per-channel vector ({@code [C]}) for {@code x}. */
    public static void perChannel(String op, String name, Tensor vector, Tensor x) {
        require(op, name, vector, Shape.of(x.shape().channels()));
    }

    /** A host array must hold exactly the tensor's elements. */
    public static void hostLength(String op, float[] host, Tensor tensor) {
        if (host.length != tensor.size()) {
            throw new ShapeMismatchException(op + ": host array of " + host.length + " floats and tensor "
                    + tensor.shape() + " of " + tensor.size() + " elements must have the same length");
        }
    }

    /** {@code [offset, offset + tensor.size())} must lie inside the host array. */
    public static void hostRange(String op, float[] host, int offset, Tensor tensor) {
        if (offset < 0 || offset > host.length - tensor.size()) {
            throw new ShapeMismatchException(op + ": host array of " + host.length + " floats has no room for tensor "
                    + tensor.shape() + " of " + tensor.size() + " elements at offset " + offset);
        }
    }
}
