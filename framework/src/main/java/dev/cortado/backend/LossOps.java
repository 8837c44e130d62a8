package dev.cortado.backend;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;

/**
 * Losses averaged over the batch (mean reduction, PyTorch's default). Each returns the loss and,
 * when {@code grad} is non-null, writes ∂loss/∂input into it. Labels are class indices stored as
 * floats, shape {@code [N]}.
 */
public interface LossOps {
    /**
     * Cross-entropy of softmax(logits {@code [N, C]}) with the labels, computed through log-sum-exp
     * so that large logits do not overflow. With smoothing ε the target is (1-ε)·onehot + ε/C.
     */
    float softmaxCrossEntropy(Tensor logits, Tensor labels, float labelSmoothing, Tensor grad);

    /** Mean over all elements of -[t·log σ(z) + (1-t)·log(1-σ(z))], computed stably from logits z. */
    float binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Tensor grad);

    /** Mean over all elements of (prediction - target)². */
    float meanSquaredError(Tensor prediction, Tensor target, Tensor grad);

    // Argument checks every backend runs first, so that both reject bad input with the same message.

    String SOFTMAX_CROSS_ENTROPY = "softmax cross-entropy";
    String BINARY_CROSS_ENTROPY = "binary cross-entropy with logits";
    String MEAN_SQUARED_ERROR = "mean squared error";

    static void checkSoftmaxCrossEntropy(Tensor logits, Tensor labels, float labelSmoothing, Tensor grad) {
        String op = SOFTMAX_CROSS_ENTROPY;
        ShapeCheck.rank(op, "logits", logits, 2);
        ShapeCheck.require(op, "labels", labels, Shape.of(logits.shape().batch()));
        if (grad != null) {
            ShapeCheck.same(op, "logits", logits, "grad", grad);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(op + ": label smoothing must lie in [0, 1], got " + labelSmoothing);
        }
        requireNonEmpty(op, "logits", logits);
    }

    /** Fails naming the first of the {@code n} labels that is not a class index of {@code logits}. */
    static void checkClassIndices(float[] labels, int n, Shape logits) {
        int classes = logits.channels();
        for (int row = 0; row < n; row++) {
            float label = labels[row];
            if (!(label >= 0 && label < classes) || label != Math.rint(label)) {
                throw new IllegalArgumentException(SOFTMAX_CROSS_ENTROPY + ": label " + label + " at row " + row
                        + " is not a class index in [0, " + classes + ") for logits " + logits);
            }
        }
    }

    static void checkBinaryCrossEntropy(Tensor logits, Tensor targets, Tensor grad) {
        checkElementwiseLoss(BINARY_CROSS_ENTROPY, "logits", logits, "targets", targets, grad);
    }

    static void checkMeanSquaredError(Tensor prediction, Tensor target, Tensor grad) {
        checkElementwiseLoss(MEAN_SQUARED_ERROR, "prediction", prediction, "target", target, grad);
    }

    private static void checkElementwiseLoss(String op, String inputName, Tensor input, String targetName, Tensor target,
                                             Tensor grad) {
        ShapeCheck.same(op, inputName, input, targetName, target);
        if (grad != null) {
            ShapeCheck.same(op, inputName, input, "grad", grad);
        }
        requireNonEmpty(op, inputName, input);
    }

    private static void requireNonEmpty(String op, String name, Tensor t) {
        if (t.size() == 0) {
            throw new ShapeMismatchException(op + ": the mean of an empty " + name + " " + t.shape() + " is undefined");
        }
    }
}
