package dev.cortado.nn;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * One node's computation in a {@link Network}. A layer is built for fixed per-sample input shapes
 * (its parameters are allocated and initialized then) and accepts any batch size.
 *
 * <p>Ownership: {@link #forward} returns a tensor the layer owns, allocated on the first call for an
 * input shape and reused while that shape stays (reallocated when the batch size changes), or, for
 * a layer that is the identity (dropout in EVAL, flatten), its input or a view of it;
 * {@link #backward} returns input gradients the layer owns on the same terms. Callers read them and
 * must not close or modify them; they stay valid until the layer's next forward or backward call.
 * The inputs passed to {@code forward} must stay unchanged until {@code backward} has run.
 */
public interface Layer extends AutoCloseable {
    /** The node name, which prefixes its parameter and buffer names. */
    String name();

    /** A short type name for summaries, e.g. "Conv2d" or "ReLU". */
    String type();

    /**
     * The output shape for these input shapes (batch dimension included), or a
     * {@link dev.cortado.tensor.ShapeMismatchException} naming the layer and the shapes.
     */
    Shape outputShape(List<Shape> inputShapes);

    /** Learnable tensors, named "node.weight", "node.bias", and so on. */
    List<Parameter> parameters();

    /** Non-learnable state that checkpoints keep (batch-norm running statistics), by full name. */
    default Map<String, Tensor> buffers() {
        return Map.of();
    }

    /**
     * Forward FLOPs for these input shapes: 2 per multiply-add in convolution and dense layers, plus
     * the elementwise work each layer documents; 0 for pure data movement.
     */
    long flops(List<Shape> inputShapes);

    Tensor forward(List<Tensor> inputs, Mode mode);

    /**
     * Back-propagates {@code gradOutput} (shaped like the last forward output) through the last
     * forward call: overwrites the gradients of this layer's parameters and, when
     * {@code needInputGradient}, returns ∂L/∂input for each input in order; otherwise an empty list.
     */
    List<Tensor> backward(Tensor gradOutput, boolean needInputGradient);

    /** Frees the layer's parameters, buffers and workspaces. */
    @Override
    void close();
}
