package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.nn.Mode;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Stacks inputs along the channel axis (GoogLeNet's inception outputs); the gradient splits dy back. */
public final class ConcatLayer extends AbstractLayer {
    private final ReusableTensor output = reusableTensor();
    private final List<ReusableTensor> inputGradients = new ArrayList<>();
    private final List<Shape> lastShapes = new ArrayList<>();

    public ConcatLayer(String name, Backend backend, List<Shape> inputShapes) {
        super(name, backend);
        outputShape(inputShapes);
        for (int i = 0; i < inputShapes.size(); i++) {
            inputGradients.add(reusableTensor());
        }
    }

    @Override
    public String type() {
        return "Concat";
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        if (inputShapes.isEmpty()) {
            throw mismatch("needs at least one input");
        }
        Shape first = inputShapes.get(0);
        if (first.rank() < 2) {
            throw mismatch("concatenates along dimension 1, got input " + first);
        }
        int channels = 0;
        for (Shape s : inputShapes) {
            if (s.rank() != first.rank() || !s.withChannels(first.channels()).equals(first)) {
                throw mismatch("inputs must match in every dimension but the channels, got " + first + " and " + s);
            }
            channels += s.channels();
        }
        return first.withChannels(channels);
    }

    @Override
    public long flops(List<Shape> inputShapes) {
        return 0;
    }

    @Override
    public Tensor forward(List<Tensor> inputs, Mode mode) {
        lastShapes.clear();
        for (Tensor t : inputs) {
            lastShapes.add(t.shape());
        }
        Tensor y = output.get(outputShape(lastShapes));
        backend.tensors().concatChannels(inputs, y);
        return y;
    }

    @Override
    public List<Tensor> backward(Tensor gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return List.of();
        }
        List<Tensor> dx = new ArrayList<>(lastShapes.size());
        for (int i = 0; i < lastShapes.size(); i++) {
            dx.add(inputGradients.get(i).get(lastShapes.get(i)));
        }
        backend.tensors().splitChannels(gradOutput, dx);
        return dx;
    }
}
