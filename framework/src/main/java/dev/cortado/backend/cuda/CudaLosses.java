package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.LossOps;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;

/** Losses on the kernels of loss_math.cuh; per-row or per-element terms are summed by {@link CudaReductions}. */
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
        int n = logits.shape().dim(0);
        int classes = logits.shape().dim(1);
        ShapeCheck.require(op, "labels", labels, Shape.of(n));
        if (grad != null) {
            ShapeCheck.same(op, "logits", logits, "grad", grad);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException(op + ": label smoothing must lie in [0, 1), got " + labelSmoothing);
        }
        try (Tensor rowLoss = Tensor.owning(Shape.of(Math.max(1, n)), ctx.memory.allocate(Math.max(1, n), op))) {
            ctx.kernels.launch(op, MODULE, "softmax_xent_rows", n, ptr(logits), ptr(labels), (long) n, classes,
                    labelSmoothing, 1f / n, ptr(rowLoss), grad == null ? null : ptr(grad));
            return (float) (reductions.reduce(op, CudaReductions.SUM, rowLoss) / n);
        }
    }

    @Override
    public float binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Tensor grad) {
        return elementwise("binary cross-entropy", "bce_logits_elements", logits, targets, grad);
    }

    @Override
    public float meanSquaredError(Tensor prediction, Tensor target, Tensor grad) {
        return elementwise("mean squared error", "squared_error_elements", prediction, target, grad);
    }

    private float elementwise(String op, String kernel, Tensor input, Tensor target, Tensor grad) {
        ShapeCheck.same(op, "input", input, "target", target);
        if (grad != null) {
            ShapeCheck.same(op, "input", input, "grad", grad);
        }
        long count = input.size();
        try (Tensor terms = Tensor.owning(Shape.of((int) Math.max(1, count)), ctx.memory.allocate(Math.max(1, count), op))) {
            ctx.kernels.launch(op, MODULE, kernel, count, ptr(input), ptr(target), count, 1f / count, ptr(terms),
                    grad == null ? null : ptr(grad));
            return (float) (reductions.reduce(op, CudaReductions.SUM, terms) / count);
        }
    }
}
