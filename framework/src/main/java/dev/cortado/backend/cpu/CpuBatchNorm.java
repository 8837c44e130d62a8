package dev.cortado.backend.cpu;

import dev.cortado.backend.BatchNormSpec;
import dev.cortado.backend.NormalizationOps;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;

/**
 * Batch normalization (Ioffe and Szegedy 2015, Algorithm 1) over every dimension but the channel
 * axis: channel = dimension 1, and the m = N·(product of dimensions ≥ 2) values of one channel form
 * its batch. Work is split over channels; each task walks the tensor plane by plane (contiguous
 * memory) and accumulates its channels' sums in double in a reused workspace, each plane's sums
 * running on the Vector API ({@link VectorPlaneSums}) when the backend's options ask for vector kernels.
 */
final class CpuBatchNorm {
    /** Elements per parallel task: below this, threads cost more than they save. */
    private static final int GRAIN_ELEMENTS = 1 << 15;

    private final ParallelLoop loop;
    /** Whether the plane sums run on the Vector API ({@link VectorPlaneSums}) or on the scalar loops. */
    private final boolean vectorSums;
    /** Per channel: shift K, Σ(x-K), Σ(x-K)² in training; Σdy, Σdy·(x-μ) in backward. */
    private double[] sums = new double[0];

    CpuBatchNorm(ParallelLoop loop, CpuOptions.Kernels kernels) {
        this.loop = loop;
        this.vectorSums = kernels == CpuOptions.Kernels.VECTOR;
    }

    void trainingForward(Tensor x, Tensor gamma, Tensor beta, BatchNormSpec spec, Tensor runningMean,
                         Tensor runningVar, Tensor y, Tensor savedMean, Tensor savedInvStd) {
        String op = "batch norm training forward";
        NormalizationOps.checkBatchNormTraining(x, gamma, beta, runningMean, runningVar, y, savedMean, savedInvStd);
        Shape shape = x.shape();
        int n = shape.batch();
        int channels = shape.channels();
        int spatial = shape.spatialSize();
        long m = (long) n * spatial;
        float[] xs = HostArrays.of(op, x);
        float[] g = HostArrays.of(op, gamma);
        float[] b = HostArrays.of(op, beta);
        float[] rMean = HostArrays.of(op, runningMean);
        float[] rVar = HostArrays.of(op, runningVar);
        float[] ys = HostArrays.of(op, y);
        float[] sMean = HostArrays.of(op, savedMean);
        float[] sInvStd = HostArrays.of(op, savedInvStd);
        double[] acc = workspace(3 * channels);
        double eps = spec.epsilon();
        double momentum = spec.momentum();
        double unbias = (double) m / (m - 1);

        loop.forRange(channels, grain(m), (c0, c1) -> {
            // Shifted sums (Chan, Golub and LeVeque 1983): subtracting one sample K of the channel keeps
            // Σ(x-K)² - (Σ(x-K))²/m free of cancellation when the mean is large against the spread.
            for (int c = c0; c < c1; c++) {
                acc[3 * c] = xs[c * spatial];
                acc[3 * c + 1] = 0;
                acc[3 * c + 2] = 0;
            }
            float[] lanes = vectorSums ? new float[VectorPlaneSums.scratchLength()] : null;
            for (int i = 0; i < n; i++) {
                for (int c = c0; c < c1; c++) {
                    int base = (i * channels + c) * spatial;
                    double shift = acc[3 * c];
                    if (vectorSums) {
                        // shift is a value of x, so the float cast is exact.
                        VectorPlaneSums.shifted(xs, base, spatial, (float) shift, acc, 3 * c + 1, lanes);
                    } else {
                        shiftedSums(xs, base, spatial, shift, acc, 3 * c + 1);
                    }
                }
            }
            for (int c = c0; c < c1; c++) {
                double s1 = acc[3 * c + 1];
                double mean = acc[3 * c] + s1 / m;
                double var = Math.max(0, (acc[3 * c + 2] - s1 * s1 / m) / m);
                double invStd = 1 / Math.sqrt(var + eps);
                sMean[c] = (float) mean;
                sInvStd[c] = (float) invStd;
                rMean[c] = (float) ((1 - momentum) * rMean[c] + momentum * mean);
                rVar[c] = (float) ((1 - momentum) * rVar[c] + momentum * unbias * var);
            }
            for (int i = 0; i < n; i++) {
                for (int c = c0; c < c1; c++) {
                    normalizePlane(xs, ys, (i * channels + c) * spatial, spatial,
                            sMean[c], (float) (g[c] * (double) sInvStd[c]), b[c]);
                }
            }
        });
    }

    void inferenceForward(Tensor x, Tensor gamma, Tensor beta, BatchNormSpec spec, Tensor runningMean,
                          Tensor runningVar, Tensor y) {
        String op = "batch norm inference forward";
        NormalizationOps.checkBatchNormInference(x, gamma, beta, runningMean, runningVar, y);
        Shape shape = x.shape();
        int channels = shape.channels();
        int spatial = shape.spatialSize();
        int planes = shape.batch() * channels;
        float[] xs = HostArrays.of(op, x);
        float[] g = HostArrays.of(op, gamma);
        float[] b = HostArrays.of(op, beta);
        float[] rMean = HostArrays.of(op, runningMean);
        float[] rVar = HostArrays.of(op, runningVar);
        float[] ys = HostArrays.of(op, y);
        double eps = spec.epsilon();
        loop.forRange(planes, grain(spatial), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int c = p % channels;
                float scale = (float) (g[c] / Math.sqrt(rVar[c] + eps));
                normalizePlane(xs, ys, p * spatial, spatial, rMean[c], scale, b[c]);
            }
        });
    }

    /**
     * With x̂ = (x-μ)·invStd over the m values of a channel: dβ = Σdy, dγ = Σdy·x̂ and
     * dx = γ·invStd/m·(m·dy - dβ - x̂·dγ), the closed form of the chain rule through μ and σ².
     */
    void backward(Tensor x, Tensor dy, Tensor gamma, Tensor savedMean, Tensor savedInvStd,
                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        String op = "batch norm backward";
        NormalizationOps.checkBatchNormBackward(x, dy, gamma, savedMean, savedInvStd, dx, dgamma, dbeta);
        Shape shape = x.shape();
        int n = shape.batch();
        int channels = shape.channels();
        int spatial = shape.spatialSize();
        long m = (long) n * spatial;
        float[] xs = HostArrays.of(op, x);
        float[] dys = HostArrays.of(op, dy);
        float[] g = HostArrays.of(op, gamma);
        float[] sMean = HostArrays.of(op, savedMean);
        float[] sInvStd = HostArrays.of(op, savedInvStd);
        float[] dxs = HostArrays.of(op, dx);
        float[] dg = HostArrays.of(op, dgamma);
        float[] db = HostArrays.of(op, dbeta);
        double[] acc = workspace(2 * channels);

        loop.forRange(channels, grain(m), (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                acc[2 * c] = 0;
                acc[2 * c + 1] = 0;
            }
            float[] lanes = vectorSums ? new float[VectorPlaneSums.scratchLength()] : null;
            for (int i = 0; i < n; i++) {
                for (int c = c0; c < c1; c++) {
                    int base = (i * channels + c) * spatial;
                    float mean = sMean[c];
                    if (vectorSums) {
                        VectorPlaneSums.gradient(dys, xs, base, spatial, mean, acc, 2 * c, lanes);
                    } else {
                        gradientSums(dys, xs, base, spatial, mean, acc, 2 * c);
                    }
                }
            }
            for (int c = c0; c < c1; c++) {
                double invStd = sInvStd[c];
                double dBeta = acc[2 * c];
                double dGamma = acc[2 * c + 1] * invStd;
                db[c] = (float) dBeta;
                dg[c] = (float) dGamma;
                // dx = a·dy + b + k·(x-μ), the formula above expanded per channel.
                double a = g[c] * invStd;
                acc[2 * c] = -a * dBeta / m;
                acc[2 * c + 1] = -a * invStd * dGamma / m;
            }
            for (int i = 0; i < n; i++) {
                for (int c = c0; c < c1; c++) {
                    int base = (i * channels + c) * spatial;
                    float mean = sMean[c];
                    float a = (float) (g[c] * (double) sInvStd[c]);
                    float b = (float) acc[2 * c];
                    float k = (float) acc[2 * c + 1];
                    for (int j = base; j < base + spatial; j++) {
                        dxs[j] = a * dys[j] + b + k * (xs[j] - mean);
                    }
                }
            }
        });
    }

    /**
     * Scalar twin of {@link VectorPlaneSums#shifted}: adds Σ(x-shift) to acc[at] and Σ(x-shift)² to
     * acc[at + 1] over one plane. Four interleaved partial sums: one running sum would wait on the
     * previous addition's latency at every element. Their order is fixed, so still deterministic.
     */
    private static void shiftedSums(float[] xs, int base, int spatial, double shift, double[] acc, int at) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double q0 = 0;
        double q1 = 0;
        double q2 = 0;
        double q3 = 0;
        int k = base;
        int end = base + spatial;
        for (; k + 4 <= end; k += 4) {
            double d0 = xs[k] - shift;
            double d1 = xs[k + 1] - shift;
            double d2 = xs[k + 2] - shift;
            double d3 = xs[k + 3] - shift;
            s0 += d0;
            s1 += d1;
            s2 += d2;
            s3 += d3;
            q0 += d0 * d0;
            q1 += d1 * d1;
            q2 += d2 * d2;
            q3 += d3 * d3;
        }
        for (; k < end; k++) {
            double d = xs[k] - shift;
            s0 += d;
            q0 += d * d;
        }
        acc[at] += (s0 + s1) + (s2 + s3);
        acc[at + 1] += (q0 + q1) + (q2 + q3);
    }

    /**
     * Scalar twin of {@link VectorPlaneSums#gradient}: adds Σdy to acc[at] and Σdy·(x-mean) to
     * acc[at + 1] over one plane, with four interleaved partial sums as in {@link #shiftedSums}.
     */
    private static void gradientSums(float[] dys, float[] xs, int base, int spatial, float mean, double[] acc,
                                     int at) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double p0 = 0;
        double p1 = 0;
        double p2 = 0;
        double p3 = 0;
        int k = base;
        int end = base + spatial;
        for (; k + 4 <= end; k += 4) {
            s0 += dys[k];
            s1 += dys[k + 1];
            s2 += dys[k + 2];
            s3 += dys[k + 3];
            p0 += (double) dys[k] * (xs[k] - mean);
            p1 += (double) dys[k + 1] * (xs[k + 1] - mean);
            p2 += (double) dys[k + 2] * (xs[k + 2] - mean);
            p3 += (double) dys[k + 3] * (xs[k + 3] - mean);
        }
        for (; k < end; k++) {
            s0 += dys[k];
            p0 += (double) dys[k] * (xs[k] - mean);
        }
        acc[at] += (s0 + s1) + (s2 + s3);
        acc[at + 1] += (p0 + p1) + (p2 + p3);
    }

    private static void normalizePlane(float[] xs, float[] ys, int base, int spatial, float mean, float scale,
                                       float shift) {
        for (int k = base; k < base + spatial; k++) {
            ys[k] = (xs[k] - mean) * scale + shift;
        }
    }


    private static int grain(long elementsPerItem) {
        return (int) Math.max(1, GRAIN_ELEMENTS / Math.max(1, elementsPerItem));
    }

    private double[] workspace(int length) {
        if (sums.length < length) {
            sums = new double[length];
        }
        return sums;
    }
}
