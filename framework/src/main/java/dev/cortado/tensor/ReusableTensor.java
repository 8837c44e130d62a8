package dev.cortado.tensor;

import java.util.Objects;
import java.util.function.Function;

/**
 * A tensor kept from step to step and reallocated only when it is asked for another shape (a new
 * batch size, such as an epoch's last, partial batch). Layer outputs and gradients, the loss
 * gradient and the device copy of a batch are held this way, so that a steady training step
 * allocates nothing. Closing it frees the tensor it holds; it can be used again afterwards.
 */
public final class ReusableTensor implements AutoCloseable {
    private final Function<Shape, Tensor> allocator;
    private Tensor tensor;

    /** {@code allocator} makes a tensor of a shape, as a rule a backend's {@code allocate}. */
    public ReusableTensor(Function<Shape, Tensor> allocator) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
    }

    /**
     * The held tensor if it has {@code shape}; otherwise the held one is closed and a new one of
     * {@code shape} allocated. Its contents are whatever the last user left (zeros when new).
     */
    public Tensor get(Shape shape) {
        if (tensor == null || !tensor.shape().equals(shape)) {
            if (tensor != null) {
                tensor.close();
                tensor = null;
            }
            tensor = allocator.apply(shape);
        }
        return tensor;
    }

    @Override
    public void close() {
        if (tensor != null) {
            tensor.close();
            tensor = null;
        }
    }

    @Override
    public String toString() {
        return "ReusableTensor[" + (tensor == null ? "empty" : tensor) + "]";
    }
}
