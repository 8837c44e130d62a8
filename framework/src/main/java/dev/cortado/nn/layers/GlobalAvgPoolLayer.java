package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.nn.Mode;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;

/** The mean of each channel over its H×W plane: {@code [N, C, H, W] -> [N, C, 1, 1]} (Lin et al. 2013, NiN). */
public final class GlobalAvgPoolLayer extends AbstractLayer {
    private final Slot output = slot();
    private final Slot inputGradient = slot();
    private Tensor input;
    private Tensor lastOutput;

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
    public Tensor forward(List<Tensor> inputs, Mode mode) {
        Tensor x = inputs.get(0);
        Tensor y = output.get(outputShape(List.of(x.shape())));
        backend.pooling().globalAverageForward(x, y);
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public List<Tensor> backward(Tensor gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return List.of();
        }
        Tensor dx = inputGradient.get(input.shape());
        backend.pooling().globalAverageBackward(input, lastOutput, gradOutput, dx);
        return List.of(dx);
    }
}
