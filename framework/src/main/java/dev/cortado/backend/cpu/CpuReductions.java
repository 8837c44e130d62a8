package dev.cortado.backend.cpu;

import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whole-tensor reductions (sum, mean, max, global L2 norm) and per-row classification statistics
 * (argmax, top-k). A whole-tensor reduction cuts the tensor into fixed blocks of {@value #BLOCK}
 * elements whatever the thread count, reduces each block on its own, and combines the block
 * results in block order: the result is bit-identical on one thread or sixteen, which the trainer
 * needs to be reproducible.
 */
final class CpuReductions {
    /** Elements per block: large enough that a block's bookkeeping is noise, small enough to split well. */
    static final int BLOCK = 1 << 13;
    /** Blocks a worker takes at least: about 32K elements, some microseconds of work. */
    private static final int BLOCKS_PER_CHUNK = 4;
    /** Elements a worker takes at least in the row-wise statistics. */
    private static final int ROW_GRAIN = 1 << 15;

    /** How one block reduces to a double. */
    @FunctionalInterface
    private interface BlockReduction {
        double reduce(float[] x, int from, int to);
    }

    private final ParallelLoop loop;
    /** One result per block, reused across calls and grown on demand. */
    private double[] partials = new double[64];

    CpuReductions(ParallelLoop loop) {
        this.loop = loop;
    }

    double sum(Tensor t) {
        float[] x = HostArrays.of("sum", t);
        int n = t.shape().intSize();
        double[] p = reduceBlocks(x, n, DoubleAccumulation::sum);
        double total = 0;
        for (int b = 0; b < blocks(n); b++) {
            total += p[b];
        }
        return total;
    }

    double mean(Tensor t) {
        if (t.size() == 0) {
            throw new IllegalArgumentException("mean: tensor " + t + " is empty; the mean of no elements is undefined");
        }
        return sum(t) / t.size();
    }

    float max(Tensor t) {
        if (t.size() == 0) {
            throw new IllegalArgumentException("max: tensor " + t + " is empty; the maximum of no elements is undefined");
        }
        float[] x = HostArrays.of("max", t);
        int n = t.shape().intSize();
        double[] p = reduceBlocks(x, n, DoubleAccumulation::max);
        float m = Float.NEGATIVE_INFINITY;
        for (int b = 0; b < blocks(n); b++) {
            m = Math.max(m, (float) p[b]);
        }
        return m;
    }

    /** sqrt(Σ_t Σ_i t[i]²): each tensor's blocks in order, then the tensors in list order. */
    float globalL2Norm(List<Tensor> tensors) {
        double total = 0;
        for (Tensor t : tensors) {
            float[] x = HostArrays.of("globalL2Norm", t);
            int n = t.shape().intSize();
            double[] p = reduceBlocks(x, n, DoubleAccumulation::sumOfSquares);
            for (int b = 0; b < blocks(n); b++) {
                total += p[b];
            }
        }
        return (float) Math.sqrt(total);
    }

    void argmax(Tensor x, Tensor out) {
        ShapeCheck.rank("argmax", "x", x, 2);
        int rows = x.shape().dim(0);
        int classes = x.shape().dim(1);
        ShapeCheck.require("argmax", "out", out, Shape.of(rows));
        if (classes == 0) {
            throw new IllegalArgumentException("argmax: x " + x.shape() + " has no classes to choose from");
        }
        float[] xs = HostArrays.of("argmax", x);
        float[] os = HostArrays.of("argmax", out);
        loop.forRange(rows, Math.max(1, ROW_GRAIN / classes), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * classes;
                int best = 0;
                // Strictly greater: on ties the first index stays.
                for (int c = 1; c < classes; c++) {
                    if (xs[base + c] > xs[base + best]) {
                        best = c;
                    }
                }
                os[r] = best;
            }
        });
    }

    /**
     * A row is correct when fewer than k scores are strictly greater than the label's score. Ties
     * with the label's score therefore count in its favour (a row of equal scores is always
     * correct), which makes the count independent of how a sort would order equal scores; a NaN
     * label score is never correct, so a diverged network scores zero.
     */
    int topKCorrect(Tensor scores, Tensor labels, int k) {
        ShapeCheck.rank("topKCorrect", "scores", scores, 2);
        int rows = scores.shape().dim(0);
        int classes = scores.shape().dim(1);
        ShapeCheck.require("topKCorrect", "labels", labels, Shape.of(rows));
        if (k < 1) {
            throw new IllegalArgumentException("topKCorrect: k must be at least 1, got " + k);
        }
        float[] s = HostArrays.of("topKCorrect", scores);
        float[] y = HostArrays.of("topKCorrect", labels);
        AtomicInteger correct = new AtomicInteger();
        loop.forRange(rows, Math.max(1, ROW_GRAIN / Math.max(1, classes)), (from, to) -> {
            int count = 0;
            for (int r = from; r < to; r++) {
                int label = classIndex(y[r], r, scores.shape());
                int base = r * classes;
                float labelScore = s[base + label];
                int rank = 0;
                for (int c = 0; c < classes; c++) {
                    float v = s[base + c];
                    if (v > labelScore || (v == labelScore && c < label)) {
                        rank++;
                    }
                }
                if (rank < k && !Float.isNaN(labelScore)) {
                    count++;
                }
            }
            // Integer addition is exact, so the order in which chunks add up does not matter.
            correct.addAndGet(count);
        });
        return correct.get();
    }

    private static int classIndex(float label, int row, Shape scores) {
        int c = (int) label;
        if (c != label || c < 0 || c >= scores.dim(1)) {
            throw new IllegalArgumentException("topKCorrect: label " + label + " of row " + row
                    + " is not a class index for scores " + scores + " (expected an integer in [0, "
                    + scores.dim(1) + "))");
        }
        return c;
    }

    private static int blocks(int n) {
        return (n + BLOCK - 1) / BLOCK;
    }

    /** Reduces each block of x[0, n) into the returned array's first blocks(n) entries. */
    private double[] reduceBlocks(float[] x, int n, BlockReduction reduction) {
        int blocks = blocks(n);
        if (partials.length < blocks) {
            partials = new double[Math.max(blocks, 2 * partials.length)];
        }
        double[] p = partials;
        loop.forRange(blocks, BLOCKS_PER_CHUNK, (from, to) -> {
            for (int b = from; b < to; b++) {
                p[b] = reduction.reduce(x, b * BLOCK, (int) Math.min(n, (long) (b + 1) * BLOCK));
            }
        });
        return p;
    }
}
