package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;

/** The mean of each channel over its H×W plane: {@code [N, C, H, W] -> [N, C, 1, 1]} (Lin et al. 2013, NiN). */
public final class GlobalAvgPoolLayer extends SingleInputLayer {

    public GlobalAvgPoolLayer(String name, Backend backend, Shape inputShape) {
        super(name, backend);
        outputShape(List.of(inputShape));
    }

    @Override
    public String type() {
        return "GlobalAvgPool";
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        Shape in = single(inputShapes);
        if (in.rank() != 4) {
            throw mismatch("expects an [N, C, H, W] input, got " + in);
        }
        return Shape.nchw(in.batch(), in.channels(), 1, 1);
    }

    /** One addition per input element. */
    @Override
    public long flops(List<Shape> inputShapes) {
        return single(inputShapes).size();
    }

    @Override
    protected void compute(Tensor x, Tensor y) {
        backend.pooling().globalAverageForward(x, y);
    }

    @Override
    protected void gradient(Tensor x, Tensor y, Tensor dy, Tensor dx) {
        backend.pooling().globalAverageBackward(x, y, dy, dx);
    }
}
