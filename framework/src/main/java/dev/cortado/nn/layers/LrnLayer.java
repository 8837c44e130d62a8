package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.backend.LrnSpec;
import dev.cortado.nn.Mode;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;

/** AlexNet's local response normalization across channels (Krizhevsky et al. 2012, section 3.3). */
public final class LrnLayer extends AbstractLayer {
    private final LrnSpec spec;
    private final Slot output = slot();
    private final Slot inputGradient = slot();
    private Tensor input;
    private Tensor lastOutput;

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
    public Tensor forward(List<Tensor> inputs, Mode mode) {
        Tensor x = inputs.get(0);
        Tensor y = output.get(outputShape(List.of(x.shape())));
        backend.normalization().lrnForward(x, spec, y);
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
        backend.normalization().lrnBackward(input, lastOutput, gradOutput, spec, dx);
        return List.of(dx);
    }
}
