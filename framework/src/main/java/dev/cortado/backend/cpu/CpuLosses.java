package dev.cortado.backend.cpu;

import dev.cortado.backend.LossOps;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;

/**
 * Losses with mean reduction. Each sum is a {@link BlockedSum}, so the loss of a batch is the same
 * double whatever the thread count. The gradient is written from each element's own values only, so
 * {@code grad} may alias the logits or prediction.
 */
final class CpuLosses implements LossOps {
    private static final int BLOCK = 4096;
    private static final int BLOCKS_PER_TASK = 4;

    private final BlockedSum sum;

    CpuLosses(ParallelLoop loop) {
        this.sum = new BlockedSum(loop);
    }

    /**
     * With lse = log Σ_c exp(z_c) and target t = (1-ε)·onehot(label) + ε/C, the row loss is
     * Σ_c t_c·(lse - z_c) = lse - (1-ε)·z_label - (ε/C)·Σ_c z_c, and ∂loss/∂z = (softmax(z) - t)/N.
     */
    @Override
    public float softmaxCrossEntropy(Tensor logits, Tensor labels, float labelSmoothing, Tensor grad) {
        LossOps.checkSoftmaxCrossEntropy(logits, labels, labelSmoothing, grad);
        String op = SOFTMAX_CROSS_ENTROPY;
        Shape shape = logits.shape();
        int n = shape.batch();
        int classes = shape.channels();
        float[] z = HostArrays.of(op, logits);
        float[] y = HostArrays.of(op, labels);
        float[] g = grad == null ? null : HostArrays.of(op, grad);
        LossOps.checkClassIndices(y, n, shape);
        double onTarget = 1.0 - labelSmoothing;
        double uniform = (double) labelSmoothing / classes;
        float invN = 1f / n;
        double total = sum.sum(n, Math.max(1, BLOCK / classes), BLOCKS_PER_TASK, (from, to) -> {
            double partial = 0;
            for (int row = from; row < to; row++) {
                int base = row * classes;
                int label = (int) y[row];
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, z[base + c]);
                }
                double expSum = 0;
                double logitSum = 0;
                for (int c = 0; c < classes; c++) {
                    expSum += Math.exp(z[base + c] - max);
                    logitSum += z[base + c];
                }
                double lse = max + Math.log(expSum);
                partial += lse - onTarget * z[base + label] - uniform * logitSum;
                if (g != null) {
                    for (int c = 0; c < classes; c++) {
                        double target = (c == label ? onTarget : 0) + uniform;
                        g[base + c] = (float) ((Math.exp(z[base + c] - lse) - target) * invN);
                    }
                }
            }
            return partial;
        });
        return (float) (total / n);
    }

    /**
     * -[t·log σ(z) + (1-t)·log(1-σ(z))] = max(z, 0) - z·t + log(1 + e^-|z|), the form that neither
     * overflows nor takes the log of an underflowed σ; its derivative is σ(z) - t.
     */
    @Override
    public float binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Tensor grad) {
        LossOps.checkBinaryCrossEntropy(logits, targets, grad);
        String op = BINARY_CROSS_ENTROPY;
        float[] z = HostArrays.of(op, logits);
        float[] t = HostArrays.of(op, targets);
        float[] g = grad == null ? null : HostArrays.of(op, grad);
        int count = logits.shape().intSize();
        float invCount = 1f / count;
        double total = sum.sum(count, BLOCK, BLOCKS_PER_TASK, (from, to) -> {
            double partial = 0;
            for (int i = from; i < to; i++) {
                float zi = z[i];
                float ti = t[i];
                partial += Math.max(zi, 0) - (double) zi * ti + Math.log1p(Math.exp(-Math.abs(zi)));
                if (g != null) {
                    g[i] = (CpuActivations.sigmoid(zi) - ti) * invCount;
                }
            }
            return partial;
        });
        return (float) (total / count);
    }

    /** mean (p - t)², gradient 2(p - t)/count. */
    @Override
    public float meanSquaredError(Tensor prediction, Tensor target, Tensor grad) {
        LossOps.checkMeanSquaredError(prediction, target, grad);
        String op = MEAN_SQUARED_ERROR;
        float[] p = HostArrays.of(op, prediction);
        float[] t = HostArrays.of(op, target);
        float[] g = grad == null ? null : HostArrays.of(op, grad);
        int count = prediction.shape().intSize();
        float twoOverCount = 2f / count;
        double total = sum.sum(count, BLOCK, BLOCKS_PER_TASK, (from, to) -> {
            double partial = 0;
            for (int i = from; i < to; i++) {
                float d = p[i] - t[i];
                partial += (double) d * d;
                if (g != null) {
                    g[i] = d * twoOverCount;
                }
            }
            return partial;
        });
        return (float) (total / count);
    }
}
