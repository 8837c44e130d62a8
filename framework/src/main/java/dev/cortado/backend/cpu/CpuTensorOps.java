package dev.cortado.backend.cpu;

import dev.cortado.backend.PixelNormalization;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.backend.TensorOps;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Element-wise arithmetic and copies on host arrays, split across the loop's workers once a tensor
 * is large enough; channel ops and reductions live in {@link CpuChannelOps} and {@link CpuReductions}.
 */
final class CpuTensorOps implements TensorOps {
    /** Elements a worker takes at least: 32K floats (128 KiB) is tens of microseconds of work. */
    private static final int GRAIN = 1 << 15;
    /** Copies are bound by memory bandwidth, so they split only when much larger. */
    private static final int COPY_GRAIN = 1 << 18;

    private final ParallelLoop loop;
    private final CpuChannelOps channels;
    private final CpuReductions reductions;

    CpuTensorOps(ParallelLoop loop) {
        this.loop = loop;
        this.channels = new CpuChannelOps(loop);
        this.reductions = new CpuReductions(loop);
    }

    @Override
    public void copyFromHost(float[] source, int offset, Tensor destination) {
        ShapeCheck.hostRange("copyFromHost", source, offset, destination);
        float[] d = HostArrays.of("copyFromHost", destination);
        int n = destination.shape().intSize();
        loop.forRange(n, COPY_GRAIN, (from, to) -> System.arraycopy(source, offset + from, d, from, to - from));
    }

    @Override
    public void normalizePixels(byte[] pixels, int offset, float[] mean, float[] std, Tensor destination) {
        PixelNormalization.check("normalizePixels", pixels, offset, mean, std, destination);
        float[][] table = PixelNormalization.table(mean, std);
        float[] d = HostArrays.of("normalizePixels", destination);
        int planes = destination.shape().intSize() / destination.shape().spatialSize();
        int spatial = destination.shape().spatialSize();
        loop.forRange(planes, Math.max(1, COPY_GRAIN / spatial), (from, to) -> {
            for (int p = from; p < to; p++) {
                float[] t = table[p % table.length];
                int base = p * spatial;
                for (int i = 0; i < spatial; i++) {
                    d[base + i] = t[pixels[offset + base + i] & 0xFF];
                }
            }
        });
    }

    @Override
    public void copyToHost(Tensor source, float[] destination, int offset) {
        ShapeCheck.hostRange("copyToHost", destination, offset, source);
        float[] s = HostArrays.of("copyToHost", source);
        int n = source.shape().intSize();
        loop.forRange(n, COPY_GRAIN, (from, to) -> System.arraycopy(s, from, destination, offset + from, to - from));
    }

    @Override
    public void copy(Tensor source, Tensor destination) {
        ShapeCheck.sameSize("copy", "source", source, "destination", destination);
        float[] s = HostArrays.of("copy", source);
        float[] d = HostArrays.of("copy", destination);
        parallelCopy(s, d, destination.shape().intSize());
    }

    @Override
    public void fill(Tensor t, float value) {
        float[] x = HostArrays.of("fill", t);
        loop.forRange(t.shape().intSize(), COPY_GRAIN, (from, to) -> Arrays.fill(x, from, to, value));
    }

    @Override
    public void scale(Tensor t, float alpha) {
        float[] x = HostArrays.of("scale", t);
        loop.forRange(t.shape().intSize(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                x[i] = alpha * x[i];
            }
        });
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        ShapeCheck.same("axpy", "x", x, "y", y);
        float[] xs = HostArrays.of("axpy", x);
        float[] ys = HostArrays.of("axpy", y);
        loop.forRange(y.shape().intSize(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                ys[i] = alpha * xs[i] + ys[i];
            }
        });
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        ShapeCheck.same("add", "a", a, "b", b);
        ShapeCheck.same("add", "a", a, "out", out);
        float[] as = HostArrays.of("add", a);
        float[] bs = HostArrays.of("add", b);
        float[] os = HostArrays.of("add", out);
        // Each element is read before it is written, so out may be a or b.
        loop.forRange(out.shape().intSize(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                os[i] = as[i] + bs[i];
            }
        });
    }

    @Override
    public void multiply(Tensor a, Tensor b, Tensor out) {
        ShapeCheck.same("multiply", "a", a, "b", b);
        ShapeCheck.same("multiply", "a", a, "out", out);
        float[] as = HostArrays.of("multiply", a);
        float[] bs = HostArrays.of("multiply", b);
        float[] os = HostArrays.of("multiply", out);
        loop.forRange(out.shape().intSize(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                os[i] = as[i] * bs[i];
            }
        });
    }

    @Override
    public void clamp(Tensor t, float lo, float hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: bounds [" + lo + ", " + hi + "] for " + t
                    + " are not an interval; lo must be at most hi");
        }
        float[] x = HostArrays.of("clamp", t);
        // NaN stays NaN: Math.max and Math.min propagate it, so a diverged gradient is not hidden.
        loop.forRange(t.shape().intSize(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                x[i] = Math.min(Math.max(x[i], lo), hi);
            }
        });
    }

    @Override
    public void addChannelBias(Tensor y, Tensor bias) {
        channels.addChannelBias(y, bias);
    }

    @Override
    public void channelBiasGradient(Tensor dy, Tensor db) {
        channels.channelBiasGradient(dy, db);
    }

    @Override
    public void concatChannels(List<Tensor> inputs, Tensor out) {
        channels.concatChannels(inputs, out);
    }

    @Override
    public void splitChannels(Tensor input, List<Tensor> outputs) {
        channels.splitChannels(input, outputs);
    }

    @Override
    public float sum(Tensor t) {
        return (float) reductions.sum(t);
    }

    @Override
    public float mean(Tensor t) {
        return (float) reductions.mean(t);
    }

    @Override
    public float max(Tensor t) {
        return reductions.max(t);
    }

    @Override
    public void argmax(Tensor x, Tensor out) {
        reductions.argmax(x, out);
    }

    @Override
    public int topKCorrect(Tensor scores, Tensor labels, int k) {
        return reductions.topKCorrect(scores, labels, k);
    }

    @Override
    public float globalL2Norm(List<Tensor> tensors) {
        return reductions.globalL2Norm(tensors);
    }

    private void parallelCopy(float[] source, float[] destination, int n) {
        loop.forRange(n, COPY_GRAIN, (from, to) -> System.arraycopy(source, from, destination, from, to - from));
    }

}
