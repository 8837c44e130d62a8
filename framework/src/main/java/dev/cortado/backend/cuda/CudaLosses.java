package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.LossOps;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;

/**
 * Losses on the kernels of loss_math.cuh; per-row or per-element terms are summed by {@link CudaReductions}.
 * Arguments are checked as the CPU backend checks them, with the same messages. Labels live on the device:
 * the kernel marks a row whose label is not a class index with a NaN loss, and only then are the labels
 * read back to name the offending row, so valid batches pay no extra copy.
 */
final class CudaLosses implements LossOps {
    private static final String MODULE = "losses";
    private final CudaContext ctx;
    private final CudaReductions reductions;

    CudaLosses(CudaContext ctx, CudaReductions reductions) {
        this.ctx = ctx;
        this.reductions = reductions;
    }

    @Override
    public float softmaxCrossEntropy(Tensor logits, Tensor labels, float labelSmoothing, Tensor grad) {
        String op = "softmax cross-entropy";
        ShapeCheck.rank(op, "logits", logits, 2);
        Shape shape = logits.shape();
        int n = shape.batch();
        int classes = shape.channels();
        ShapeCheck.require(op, "labels", labels, Shape.of(n));
        if (grad != null) {
            ShapeCheck.same(op, "logits", logits, "grad", grad);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(op + ": label smoothing must lie in [0, 1], got " + labelSmoothing);
        }
        requireNonEmpty(op, "logits", logits);
        try (Tensor rowLoss = Tensor.owning(Shape.of(n), ctx.memory.allocate(n, op))) {
            ctx.kernels.launch(op, MODULE, "softmax_xent_rows", n, ptr(logits), ptr(labels), (long) n, classes,
                    labelSmoothing, 1f / n, ptr(rowLoss), grad == null ? null : ptr(grad));
            double total = reductions.reduce(op, CudaReductions.SUM, rowLoss);
            if (Double.isNaN(total)) {
                requireClassIndices(op, labels, n, classes, shape);
            }
            return (float) (total / n);
        }
    }

    /** Reads the labels back and names the first that is not a class index (NaN logits pass through). */
    private void requireClassIndices(String op, Tensor labels, int n, int classes, Shape shape) {
        float[] y = new float[n];
        ctx.staging.download(ptr(labels), y, 0, n);
        for (int row = 0; row < n; row++) {
            float label = y[row];
            if (!(label >= 0 && label < classes) || label != Math.rint(label)) {
                throw new IllegalArgumentException(op + ": label " + label + " at row " + row
                        + " is not a class index in [0, " + classes + ") for logits " + shape);
            }
        }
    }

    @Override
    public float binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Tensor grad) {
        String op = "binary cross-entropy with logits";
        ShapeCheck.same(op, "logits", logits, "targets", targets);
        if (grad != null) {
            ShapeCheck.same(op, "logits", logits, "grad", grad);
        }
        requireNonEmpty(op, "logits", logits);
        return elementwise(op, "bce_logits_elements", logits, targets, grad);
    }

    @Override
    public float meanSquaredError(Tensor prediction, Tensor target, Tensor grad) {
        String op = "mean squared error";
        ShapeCheck.same(op, "prediction", prediction, "target", target);
        if (grad != null) {
            ShapeCheck.same(op, "prediction", prediction, "grad", grad);
        }
        requireNonEmpty(op, "prediction", prediction);
        return elementwise(op, "squared_error_elements", prediction, target, grad);
    }

    private float elementwise(String op, String kernel, Tensor input, Tensor target, Tensor grad) {
        long count = input.size();
        try (Tensor terms = Tensor.owning(Shape.of(input.shape().intSize()), ctx.memory.allocate(count, op))) {
            ctx.kernels.launch(op, MODULE, kernel, count, ptr(input), ptr(target), count, 1f / count, ptr(terms),
                    grad == null ? null : ptr(grad));
            return (float) (reductions.reduce(op, CudaReductions.SUM, terms) / count);
        }
    }

    private static void requireNonEmpty(String op, String name, Tensor t) {
        if (t.size() == 0) {
            throw new ShapeMismatchException(op + ": the mean of an empty " + name + " " + t.shape() + " is undefined");
        }
    }
}
