package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.nn.Mode;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Tensor;
import java.util.List;

/**
 * A layer of one input and no state beyond its last forward pass: it keeps x and y for the backward
 * pass, whose ops (cuDNN's included) read either or both, and reuses its output and input-gradient
 * tensors while shapes stay. Subclasses name the two ops.
 */
abstract class SingleInputLayer extends AbstractLayer {
    private final ReusableTensor output = reusableTensor();
    private final ReusableTensor inputGradient = reusableTensor();
    private Tensor input;
    private Tensor lastOutput;

    SingleInputLayer(String name, Backend backend) {
        super(name, backend);
    }

    /** y = f(x). */
    protected abstract void compute(Tensor x, Tensor y);

    /** dx from dy, given the forward pass's x and y. */
    protected abstract void gradient(Tensor x, Tensor y, Tensor dy, Tensor dx);

    @Override
    public final Tensor forward(List<Tensor> inputs, Mode mode) {
        Tensor x = inputs.get(0);
        Tensor y = output.get(outputShape(List.of(x.shape())));
        compute(x, y);
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public final List<Tensor> backward(Tensor gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return List.of();
        }
        Tensor dx = inputGradient.get(input.shape());
        gradient(input, lastOutput, gradOutput, dx);
        return List.of(dx);
    }
}
