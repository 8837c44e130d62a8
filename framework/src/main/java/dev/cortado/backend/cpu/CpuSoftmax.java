package dev.cortado.backend.cpu;

import dev.cortado.backend.ActivationOps;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;

/**
 * Softmax and log-softmax over the channel axis (dimension 1) at every batch index and spatial
 * position of an [N, C] or [N, C, H, W] tensor. The channel values of one position are
 * {@code spatial} floats apart; the maximum is subtracted before exponentiating (softmax is
 * invariant under a shift), so no exponent exceeds e⁰ = 1 and large logits cannot overflow.
 */
final class CpuSoftmax {
    private static final int GRAIN_ELEMENTS = 1 << 14;

    private final ParallelLoop loop;

    CpuSoftmax(ParallelLoop loop) {
        this.loop = loop;
    }

    void forward(Tensor x, Tensor y, boolean log) {
        String op = log ? "log-softmax forward" : "softmax forward";
        ActivationOps.checkSoftmaxForward(op, x, y);
        float[] xs = HostArrays.of(op, x);
        float[] ys = HostArrays.of(op, y);
        forEachColumn(x.shape(), (base, end, spatial) -> {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = base; i < end; i += spatial) {
                max = Math.max(max, xs[i]);
            }
            double sum = 0;
            for (int i = base; i < end; i += spatial) {
                sum += Math.exp(xs[i] - max);
            }
            if (log) {
                // log softmax = (x - max) - log Σ exp(x - max): never the log of an underflowed 0, and
                // x - max is taken first, exactly, so that large logits keep the precision of small ones.
                float logSum = (float) Math.log(sum);
                for (int i = base; i < end; i += spatial) {
                    ys[i] = (xs[i] - max) - logSum;
                }
            } else {
                double inv = 1 / sum;
                for (int i = base; i < end; i += spatial) {
                    ys[i] = (float) (Math.exp(xs[i] - max) * inv);
                }
            }
        });
    }

    /** Softmax: dx = y ⊙ (dy - Σ_c dy·y). Log-softmax: dx = dy - exp(y)·Σ_c dy. Both from the output y. */
    void backward(Tensor y, Tensor dy, Tensor dx, boolean log) {
        String op = log ? "log-softmax backward" : "softmax backward";
        ActivationOps.checkSoftmaxBackward(op, y, dy, dx);
        float[] ys = HostArrays.of(op, y);
        float[] dys = HostArrays.of(op, dy);
        float[] dxs = HostArrays.of(op, dx);
        forEachColumn(y.shape(), (base, end, spatial) -> {
            double sum = 0;
            if (log) {
                for (int i = base; i < end; i += spatial) {
                    sum += dys[i];
                }
                float total = (float) sum;
                for (int i = base; i < end; i += spatial) {
                    dxs[i] = dys[i] - (float) Math.exp(ys[i]) * total;
                }
            } else {
                for (int i = base; i < end; i += spatial) {
                    sum += (double) dys[i] * ys[i];
                }
                float dot = (float) sum;
                for (int i = base; i < end; i += spatial) {
                    dxs[i] = ys[i] * (dys[i] - dot);
                }
            }
        });
    }

    /** The channel values of one position: indices base, base + spatial, … below end. */
    @FunctionalInterface
    private interface Column {
        void apply(int base, int end, int spatial);
    }

    /**
     * Runs {@code column} on every position (batch index and spatial cell) of an [N, C, ...] shape,
     * split over the loop's workers; one call per position, each walking that position's C values.
     */
    private void forEachColumn(Shape shape, Column column) {
        int channels = shape.channels();
        int spatial = shape.spatialSize();
        loop.forRange(shape.batch() * spatial, grain(channels), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int base = (p / spatial) * channels * spatial + p % spatial;
                column.apply(base, base + channels * spatial, spatial);
            }
        });
    }

    private static int grain(int channels) {
        return Math.max(1, GRAIN_ELEMENTS / Math.max(1, channels));
    }

}
