package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.LossOps;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;

/**
 * Losses on the kernels of loss_math.cuh; per-row or per-element terms are summed by {@link CudaReductions}.
 * Arguments are checked as the CPU backend checks them, with the same messages. Labels live on the device:
 * the kernel marks a row whose label is not a class index with a NaN loss, and only then are the labels
 * read back to name the offending row, so valid batches pay no extra copy.
 */
final class CudaLosses implements LossOps {
    private final CudaContext ctx;
    private final CudaReductions reductions;

    CudaLosses(CudaContext ctx, CudaReductions reductions) {
        this.ctx = ctx;
        this.reductions = reductions;
    }

    @Override
    public float softmaxCrossEntropy(Tensor logits, Tensor labels, float labelSmoothing, Tensor grad) {
        LossOps.checkSoftmaxCrossEntropy(logits, labels, labelSmoothing, grad);
        String op = SOFTMAX_CROSS_ENTROPY;
        Shape shape = logits.shape();
        int n = shape.batch();
        int classes = shape.channels();
        try (Tensor rowLoss = Tensor.owning(Shape.of(n), ctx.memory.allocate(n, op))) {
            ctx.kernels.launch(op, Kernel.SOFTMAX_XENT_ROWS, n, ptr(logits), ptr(labels), (long) n, classes,
                    labelSmoothing, 1f / n, ptr(rowLoss), grad == null ? null : ptr(grad));
            double total = reductions.reduce(op, CudaReductions.SUM, rowLoss);
            if (Double.isNaN(total)) {
                requireClassIndices(labels, n, shape);
            }
            return (float) (total / n);
        }
    }

    /** Reads the labels back and names the first that is not a class index (NaN logits pass through). */
    private void requireClassIndices(Tensor labels, int n, Shape shape) {
        float[] y = new float[n];
        ctx.staging.download(ptr(labels), y, 0, n);
        LossOps.checkClassIndices(y, n, shape);
    }

    @Override
    public float binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Tensor grad) {
        LossOps.checkBinaryCrossEntropy(logits, targets, grad);
        String op = BINARY_CROSS_ENTROPY;
        return elementwise(op, Kernel.BCE_LOGITS_ELEMENTS, logits, targets, grad);
    }

    @Override
    public float meanSquaredError(Tensor prediction, Tensor target, Tensor grad) {
        LossOps.checkMeanSquaredError(prediction, target, grad);
        String op = MEAN_SQUARED_ERROR;
        return elementwise(op, Kernel.SQUARED_ERROR_ELEMENTS, prediction, target, grad);
    }

    private float elementwise(String op, Kernel kernel, Tensor input, Tensor target, Tensor grad) {
        long count = input.size();
        try (Tensor terms = Tensor.owning(Shape.of(input.shape().intSize()), ctx.memory.allocate(count, op))) {
            ctx.kernels.launch(op, kernel, count, ptr(input), ptr(target), count, 1f / count, ptr(terms),
                    grad == null ? null : ptr(grad));
            return (float) (reductions.reduce(op, CudaReductions.SUM, terms) / count);
        }
    }
}
