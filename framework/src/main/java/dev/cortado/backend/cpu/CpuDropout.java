package dev.cortado.backend.cpu;

import dev.cortado.backend.CounterRng;
import dev.cortado.backend.DropoutOps;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Tensor;

/**
 * Inverted dropout (Srivastava et al. 2014, scaled at training time): element i is kept iff
 * {@code CounterRng.uniform(seed, i) >= p}, and kept elements are scaled by {@code 1f / (1f - p)}
 * (float arithmetic, as the CUDA kernel computes it). Drawing by index makes the mask independent
 * of how the range is split over threads.
 */
final class CpuDropout implements DropoutOps {
    private static final int GRAIN = 1 << 14;

    private final ParallelLoop loop;

    CpuDropout(ParallelLoop loop) {
        this.loop = loop;
    }

    @Override
    public void forward(Tensor x, float p, long seed, Tensor mask, Tensor y) {
        String op = "dropout forward";
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(op + ": drop probability p must lie in [0, 1), got " + p);
        }
        ShapeCheck.same(op, "x", x, "mask", mask);
        ShapeCheck.same(op, "x", x, "y", y);
        float[] xs = HostArrays.of(op, x);
        float[] ms = HostArrays.of(op, mask);
        float[] ys = HostArrays.of(op, y);
        float keptScale = 1f / (1f - p);
        loop.forRange(x.shape().intSize(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float m = CounterRng.uniform(seed, i) >= p ? keptScale : 0f;
                ms[i] = m;
                ys[i] = xs[i] * m;
            }
        });
    }

    @Override
    public void backward(Tensor dy, Tensor mask, Tensor dx) {
        String op = "dropout backward";
        ShapeCheck.same(op, "dy", dy, "mask", mask);
        ShapeCheck.same(op, "dy", dy, "dx", dx);
        float[] dys = HostArrays.of(op, dy);
        float[] ms = HostArrays.of(op, mask);
        float[] dxs = HostArrays.of(op, dx);
        loop.forRange(dy.shape().intSize(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                dxs[i] = dys[i] * ms[i];
            }
        });
    }
}
