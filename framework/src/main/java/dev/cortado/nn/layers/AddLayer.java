package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.nn.Mode;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.Collections;
import java.util.List;

/** The sum of two or more inputs of one shape: a residual connection. Each input's gradient is dy itself. */
public final class AddLayer extends AbstractLayer {
    private final ReusableTensor output = reusableTensor();
    private int arity;

    public AddLayer(String name, Backend backend, List<Shape> inputShapes) {
        super(name, backend);
        outputShape(inputShapes);
    }

    @Override
    public String type() {
        return "Add";
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        if (inputShapes.size() < 2) {
            throw mismatch("adds two or more inputs, got " + inputShapes.size() + " " + inputShapes);
        }
        Shape first = inputShapes.get(0);
        for (Shape s : inputShapes) {
            if (!s.equals(first)) {
                throw mismatch("inputs must have one shape, got " + first + " and " + s);
            }
        }
        return first;
    }

    /** One addition per element per input beyond the first. */
    @Override
    public long flops(List<Shape> inputShapes) {
        return (inputShapes.size() - 1) * outputShape(inputShapes).size();
    }

    @Override
    public Tensor forward(List<Tensor> inputs, Mode mode) {
        Tensor y = output.get(inputs.get(0).shape());
        backend.tensors().add(inputs.get(0), inputs.get(1), y);
        for (int i = 2; i < inputs.size(); i++) {
            backend.tensors().add(y, inputs.get(i), y);
        }
        arity = inputs.size();
        return y;
    }

    @Override
    public List<Tensor> backward(Tensor gradOutput, boolean needInputGradient) {
        return needInputGradient ? Collections.nCopies(arity, gradOutput) : List.of();
    }
}
