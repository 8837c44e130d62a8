package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.backend.LrnSpec;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;

/** AlexNet's local response normalization across channels (Krizhevsky et al. 2012, section 3.3). */
public final class LrnLayer extends SingleInputLayer {
    private final LrnSpec spec;

    public LrnLayer(String name, Backend backend, Shape inputShape, LrnSpec spec) {
        super(name, backend);
        this.spec = spec;
        outputShape(List.of(inputShape));
    }

    @Override
    public String type() {
        return "LRN";
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        Shape in = single(inputShapes);
        if (in.rank() != 4) {
            throw mismatch("expects an [N, C, H, W] input, got " + in);
        }
        return in;
    }

    /** Per element: size multiply-adds for the sum of squares (2·size), then scale, power and divide (3). */
    @Override
    public long flops(List<Shape> inputShapes) {
        return (2L * spec.size() + 3) * outputShape(inputShapes).size();
    }

    @Override
    protected void compute(Tensor x, Tensor y) {
        backend.normalization().lrnForward(x, spec, y);
    }

    @Override
    protected void gradient(Tensor x, Tensor y, Tensor dy, Tensor dx) {
        backend.normalization().lrnBackward(x, y, dy, spec, dx);
    }
}
