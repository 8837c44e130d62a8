package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.nn.Mode;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;

/** {@code [N, C, H, W] -> [N, C·H·W]}: a view over the same memory, and a view back for the gradient. */
public final class FlattenLayer extends AbstractLayer {
    private Tensor input;
    private Tensor view;
    private Tensor gradient;
    private Tensor gradientView;

    public FlattenLayer(String name, Backend backend, Shape inputShape) {
        super(name, backend);
        outputShape(List.of(inputShape));
    }

    @Override
    public String type() {
        return "Flatten";
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        Shape in = single(inputShapes);
        if (in.rank() < 2) {
            throw mismatch("expects an input with a batch dimension, got " + in);
        }
        return in.flattened();
    }

    @Override
    public long flops(List<Shape> inputShapes) {
        return 0;
    }

    @Override
    public Tensor forward(List<Tensor> inputs, Mode mode) {
        Tensor x = inputs.get(0);
        if (x != input || view == null) {
            // Views are cached per input tensor: the producing layer reuses its output between calls.
            input = x;
            view = x.reshape(x.shape().flattened());
        }
        return view;
    }

    @Override
    public List<Tensor> backward(Tensor gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return List.of();
        }
        if (gradOutput != gradient || gradientView == null || !gradientView.shape().equals(input.shape())) {
            gradient = gradOutput;
            gradientView = gradOutput.reshape(input.shape());
        }
        return List.of(gradientView);
    }
}
