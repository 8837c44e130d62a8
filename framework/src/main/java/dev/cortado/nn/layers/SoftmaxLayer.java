package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;

/**
 * Softmax over the channel axis, for inference outputs that should be probabilities. Training should
 * feed logits to the softmax cross-entropy loss instead, which is more stable than this layer followed
 * by a log.
 */
public final class SoftmaxLayer extends SingleInputLayer {

    public SoftmaxLayer(String name, Backend backend, Shape inputShape) {
        super(name, backend);
        outputShape(List.of(inputShape));
    }

    @Override
    public String type() {
        return "Softmax";
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        Shape in = single(inputShapes);
        if (in.rank() < 2) {
            throw mismatch("needs a channel axis (rank 2 or more), got " + in);
        }
        return in;
    }

    /** Per element: subtract the maximum, exponentiate, add to the sum, divide. */
    @Override
    public long flops(List<Shape> inputShapes) {
        return 4 * outputShape(inputShapes).size();
    }

    @Override
    protected void compute(Tensor x, Tensor y) {
        backend.activations().softmaxForward(x, y);
    }

    @Override
    protected void gradient(Tensor x, Tensor y, Tensor dy, Tensor dx) {
        backend.activations().softmaxBackward(y, dy, dx);
    }
}
