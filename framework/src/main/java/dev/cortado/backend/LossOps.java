package dev.cortado.backend;

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
}
