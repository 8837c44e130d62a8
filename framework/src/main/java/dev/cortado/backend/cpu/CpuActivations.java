package dev.cortado.backend.cpu;

import dev.cortado.backend.Activation;
import dev.cortado.backend.ActivationOps;
import dev.cortado.tensor.Tensor;

/**
 * Pointwise activations and PReLU; softmax and log-softmax live in {@link CpuSoftmax}.
 *
 * <p>The backward pass reads x for sign tests (ReLU, leaky ReLU, ELU) and for softplus and swish,
 * whose derivatives need σ(x); it reads y where the derivative is a function of the output:
 * σ' = y(1-y), tanh' = 1-y², and ELU's α·eˣ = y + α on its negative branch. Since the sign of y is
 * that of x for ReLU, leaky ReLU (α ≥ 0) and ELU (α > 0), these, sigmoid and tanh may run backward
 * after an in-place forward with y passed as x; softplus and swish need the original x.
 */
final class CpuActivations implements ActivationOps {
    private static final int GRAIN = 1 << 14;

    private final ParallelLoop loop;
    /** Whether ReLU's backward runs on the Vector API ({@link VectorRelu}) or on the branch-free scalar loop. */
    private final boolean vectorRelu;
    private final CpuSoftmax softmax;

    CpuActivations(ParallelLoop loop, CpuOptions.Kernels kernels) {
        this.loop = loop;
        this.vectorRelu = kernels == CpuOptions.Kernels.VECTOR;
        this.softmax = new CpuSoftmax(loop);
    }

    @Override
    public void forward(Activation activation, Tensor x, Tensor y) {
        ActivationOps.checkForward(activation, x, y);
        String op = activation + " forward";
        float[] xs = HostArrays.of(op, x);
        float[] ys = HostArrays.of(op, y);
        float alpha = activation.alpha();
        Activation.Kind kind = activation.kind();
        loop.forRange(x.shape().intSize(), GRAIN, (from, to) -> {
            switch (kind) {
                case RELU -> {
                    for (int i = from; i < to; i++) {
                        ys[i] = Math.max(xs[i], 0f);
                    }
                }
                case LEAKY_RELU -> {
                    for (int i = from; i < to; i++) {
                        float v = xs[i];
                        ys[i] = v > 0 ? v : alpha * v;
                    }
                }
                case ELU -> {
                    for (int i = from; i < to; i++) {
                        float v = xs[i];
                        ys[i] = v > 0 ? v : (float) (alpha * Math.expm1(v));
                    }
                }
                case SIGMOID -> {
                    for (int i = from; i < to; i++) {
                        ys[i] = sigmoid(xs[i]);
                    }
                }
                case TANH -> {
                    for (int i = from; i < to; i++) {
                        ys[i] = (float) Math.tanh(xs[i]);
                    }
                }
                case SOFTPLUS -> {
                    for (int i = from; i < to; i++) {
                        // log(1 + eˣ) = max(x, 0) + log1p(e^-|x|): no overflow for large x, no loss for small.
                        float v = xs[i];
                        ys[i] = (float) (Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
                    }
                }
                case SWISH -> {
                    for (int i = from; i < to; i++) {
                        float v = xs[i];
                        ys[i] = v * sigmoid(v);
                    }
                }
            }
        });
    }

    @Override
    public void backward(Activation activation, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        ActivationOps.checkBackward(activation, x, y, dy, dx);
        String op = activation + " backward";
        float[] xs = HostArrays.of(op, x);
        float[] ys = HostArrays.of(op, y);
        float[] dys = HostArrays.of(op, dy);
        float[] dxs = HostArrays.of(op, dx);
        float alpha = activation.alpha();
        Activation.Kind kind = activation.kind();
        loop.forRange(x.shape().intSize(), GRAIN, (from, to) -> {
            switch (kind) {
                case RELU -> {
                    if (vectorRelu) {
                        VectorRelu.backward(xs, dys, dxs, from, to);
                    } else {
                        for (int i = from; i < to; i++) {
                            dxs[i] = Float.intBitsToFloat(Float.floatToRawIntBits(dys[i]) & positiveMask(xs[i]));
                        }
                    }
                }
                case LEAKY_RELU -> {
                    for (int i = from; i < to; i++) {
                        dxs[i] = xs[i] > 0 ? dys[i] : alpha * dys[i];
                    }
                }
                case ELU -> {
                    for (int i = from; i < to; i++) {
                        dxs[i] = xs[i] > 0 ? dys[i] : dys[i] * (ys[i] + alpha);
                    }
                }
                case SIGMOID -> {
                    for (int i = from; i < to; i++) {
                        float s = ys[i];
                        dxs[i] = dys[i] * s * (1 - s);
                    }
                }
                case TANH -> {
                    for (int i = from; i < to; i++) {
                        float t = ys[i];
                        dxs[i] = dys[i] * (1 - t * t);
                    }
                }
                case SOFTPLUS -> {
                    for (int i = from; i < to; i++) {
                        dxs[i] = dys[i] * sigmoid(xs[i]);
                    }
                }
                case SWISH -> {
                    for (int i = from; i < to; i++) {
                        // (x·σ(x))' = σ + x·σ·(1-σ)
                        float v = xs[i];
                        float s = sigmoid(v);
                        dxs[i] = dys[i] * (s + v * s * (1 - s));
                    }
                }
            }
        });
    }

    @Override
    public void preluForward(Tensor x, Tensor slope, Tensor y) {
        ActivationOps.checkPreluForward(x, slope, y);
        String op = "PReLU forward";
        float[] xs = HostArrays.of(op, x);
        float[] a = HostArrays.of(op, slope);
        float[] ys = HostArrays.of(op, y);
        int channels = x.shape().channels();
        int spatial = x.shape().spatialSize();
        int planes = x.shape().batch() * channels;
        loop.forRange(planes, Math.max(1, GRAIN / Math.max(1, spatial)), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                float slopeC = a[p % channels];
                for (int i = p * spatial; i < (p + 1) * spatial; i++) {
                    float v = xs[i];
                    ys[i] = v > 0 ? v : slopeC * v;
                }
            }
        });
    }

    /** dx = dy for x > 0, slope_c·dy otherwise; dslope_c = Σ over batch and space of dy·x where x ≤ 0. */
    @Override
    public void preluBackward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dslope) {
        ActivationOps.checkPreluBackward(x, slope, dy, dx, dslope);
        String op = "PReLU backward";
        float[] xs = HostArrays.of(op, x);
        float[] a = HostArrays.of(op, slope);
        float[] dys = HostArrays.of(op, dy);
        float[] dxs = HostArrays.of(op, dx);
        float[] da = HostArrays.of(op, dslope);
        int n = x.shape().batch();
        int channels = x.shape().channels();
        int spatial = x.shape().spatialSize();
        // Split over channels so that each slope's sum has a single owner and needs no merging.
        long perChannel = (long) n * spatial;
        loop.forRange(channels, (int) Math.max(1, GRAIN / perChannel), (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                float slopeC = a[c];
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    int base = (i * channels + c) * spatial;
                    for (int k = base; k < base + spatial; k++) {
                        float v = xs[k];
                        float g = dys[k];
                        if (v > 0) {
                            dxs[k] = g;
                        } else {
                            dxs[k] = slopeC * g;
                            sum += (double) g * v;
                        }
                    }
                }
                da[c] = (float) sum;
            }
        });
    }

    @Override
    public void softmaxForward(Tensor x, Tensor y) {
        softmax.forward(x, y, false);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        softmax.backward(y, dy, dx, false);
    }

    @Override
    public void logSoftmaxForward(Tensor x, Tensor y) {
        softmax.forward(x, y, true);
    }

    @Override
    public void logSoftmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        softmax.backward(y, dy, dx, true);
    }

    /** σ(x) without overflow: e^-|x| never exceeds 1. */
    /**
     * All ones when x > 0 (NaN excluded), else 0, without a branch: ReLU's backward keeps dy where x > 0,
     * and with the signs of x random a compare-and-branch mispredicts half the time. x > 0 exactly when
     * its bits, read as an int, lie in [1, bits of +∞]; outside that range one of the two differences
     * below is negative (signed overflow included), which the arithmetic shift spreads to all bits.
     */
    static int positiveMask(float x) {
        int bits = Float.floatToRawIntBits(x);
        return ~(((0x7F800000 - bits) | (bits - 1)) >> 31);
    }

    static float sigmoid(float x) {
        if (x >= 0) {
            return (float) (1 / (1 + Math.exp(-x)));
        }
        double e = Math.exp(x);
        return (float) (e / (1 + e));
    }

}
