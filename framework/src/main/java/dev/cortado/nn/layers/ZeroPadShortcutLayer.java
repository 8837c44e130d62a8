package dev.cortado.nn.layers;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Pool2dSpec;
import dev.cortado.nn.Mode;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameter-free shortcut of CIFAR ResNets (He et al. 2015, section 4.2, option A): subsample by
 * taking every stride-th pixel, then pad the channels with zeros up to {@code outChannels}, half the
 * padding before and the rest after (as the common PyTorch port does with
 * {@code F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, p, p))}). The subsampling is a 1×1 average pooling of
 * stride s, so its backward pass scatters the gradient back; the padding is a channel concat with
 * zeros, whose backward pass keeps the middle slice.
 */
public final class ZeroPadShortcutLayer extends AbstractLayer {
    private final int outChannels;
    private final int stride;
    private final Pool2dSpec subsampling;
    private final ReusableTensor subsampled = reusableTensor();
    private final ReusableTensor padBefore = reusableTensor();
    private final ReusableTensor padAfter = reusableTensor();
    private final ReusableTensor output = reusableTensor();
    private final ReusableTensor subsampledGradient = reusableTensor();
    private final ReusableTensor discardedBefore = reusableTensor();
    private final ReusableTensor discardedAfter = reusableTensor();
    private final ReusableTensor inputGradient = reusableTensor();
    private Tensor input;
    private Tensor lastSubsampled;

    public ZeroPadShortcutLayer(String name, Backend backend, Shape inputShape, int outChannels, int stride) {
        super(name, backend);
        if (stride < 1) {
            throw new IllegalArgumentException("layer '" + name + "' (ZeroPadShortcut): stride must be positive, got "
                    + stride);
        }
        this.outChannels = outChannels;
        this.stride = stride;
        this.subsampling = Pool2dSpec.average(1, stride, 0, true);
        outputShape(List.of(inputShape));
    }

    @Override
    public String type() {
        return "ZeroPadShortcut";
    }

    @Override
    public Shape outputShape(List<Shape> inputShapes) {
        Shape in = single(inputShapes);
        if (in.rank() != 4) {
            throw mismatch("expects an [N, C, H, W] input, got " + in);
        }
        if (outChannels < in.channels()) {
            throw mismatch("can only pad channels, but input " + in + " has more than " + outChannels);
        }
        return subsampledShape(in).withChannels(outChannels);
    }

    private Shape subsampledShape(Shape in) {
        return stride == 1 ? in : subsampling.outputShape(in);
    }

    @Override
    public long flops(List<Shape> inputShapes) {
        return 0;
    }

    @Override
    public Tensor forward(List<Tensor> inputs, Mode mode) {
        Tensor x = inputs.get(0);
        input = x;
        Shape sub = subsampledShape(x.shape());
        Tensor s = x;
        if (stride > 1) {
            s = subsampled.get(sub);
            backend.pooling().forward(x, subsampling, s);
        }
        lastSubsampled = s;
        if (outChannels == x.shape().channels()) {
            return s;
        }
        List<Tensor> parts = pieces(sub, s, padBefore, padAfter);
        // Filled on every call rather than trusting fresh memory to be zero: the pads are a few
        // percent of the concat's traffic, and no backend's allocator has to promise anything.
        for (Tensor part : parts) {
            if (part != s) {
                backend.tensors().fill(part, 0f);
            }
        }
        Tensor y = output.get(sub.withChannels(outChannels));
        backend.tensors().concatChannels(parts, y);
        return y;
    }

    @Override
    public List<Tensor> backward(Tensor gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return List.of();
        }
        Shape sub = lastSubsampled.shape();
        Tensor ds = gradOutput;
        if (outChannels != sub.channels()) {
            ds = subsampledGradient.get(sub);
            backend.tensors().splitChannels(gradOutput, pieces(sub, ds, discardedBefore, discardedAfter));
        }
        if (stride == 1) {
            return List.of(ds);
        }
        Tensor dx = inputGradient.get(input.shape());
        backend.pooling().backward(input, lastSubsampled, ds, subsampling, dx);
        return List.of(dx);
    }

    /** [before, middle, after] along the channels, leaving out an empty side. */
    private List<Tensor> pieces(Shape sub, Tensor middle, ReusableTensor before, ReusableTensor after) {
        int padding = outChannels - sub.channels();
        int first = padding / 2;
        List<Tensor> parts = new ArrayList<>(3);
        if (first > 0) {
            parts.add(before.get(sub.withChannels(first)));
        }
        parts.add(middle);
        parts.add(after.get(sub.withChannels(padding - first)));
        return parts;
    }
}
