package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.nn.Mode;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;

/**
 * Inverted dropout (Srivastava et al. 2014): in TRAIN each element is zeroed with probability p and
 * the survivors scaled by 1/(1-p); in EVAL it is the identity and returns its input unchanged.
 * The mask is a pure function of {@link #setSeed the seed}, which the network derives from its
 * dropout seed and this layer's position, so a run with the same seeds draws the same masks.
 */
public final class DropoutLayer extends AbstractLayer {
    private final float p;
    private final ReusableTensor output = reusableTensor();
    private final ReusableTensor mask = reusableTensor();
    private final ReusableTensor inputGradient = reusableTensor();
    private long seed;
    private Mode lastMode;

    public DropoutLayer(String name, Backend backend, Shape inputShape, float p) {
        super(name, backend);
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("layer '" + name + "' (Dropout): p must lie in [0, 1), got " + p);
        }
        this.p = p;
        single(List.of(inputShape));
    }

    @Override
    public String type() {
        return "Dropout";
    }

    public float probability() {
        return p;
    }

    /** The seed of the next forward passes' masks. */
    public void setSeed(long seed) {
        this.seed = seed;
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        return single(inputShapes);
    }

    /** 0: counted as at inference, where dropout is the identity. */
    @Override
    public long flops(List<Shape> inputShapes) {
        return 0;
    }

    @Override
    public Tensor forward(List<Tensor> inputs, Mode mode) {
        Tensor x = inputs.get(0);
        lastMode = mode;
        if (mode == Mode.EVAL) {
            return x;
        }
        Tensor y = output.get(x.shape());
        backend.dropout().forward(x, p, seed, mask.get(x.shape()), y);
        return y;
    }

    @Override
    public List<Tensor> backward(Tensor gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return List.of();
        }
        if (lastMode == Mode.EVAL) {
            return List.of(gradOutput);
        }
        Tensor dx = inputGradient.get(gradOutput.shape());
        backend.dropout().backward(gradOutput, mask.get(gradOutput.shape()), dx);
        return List.of(dx);
    }
}
