package dev.cortado.train;

import dev.cortado.backend.Backend;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * The loss a {@link Trainer} minimizes, bound to a backend: the loss of a batch and its gradient
 * (one {@code LossOps} call), and the step's count of right answers for the progress display.
 *
 * <p>Targets are either class indices {@code [N]} (what every {@code Dataset} gives) or one target
 * per output {@code [N, K]} (multi-label 0/1 targets, regression values; batches a program uploads
 * with {@link DeviceBatch#upload(float[], Shape, float[], Shape)}). Binary cross-entropy and mean
 * squared error expand class indices to one-hot targets, so they also train a classifier (one-vs-rest
 * logistic, and squared error on one-hot codes). A step allocates nothing once the batch shape is known.
 */
public abstract sealed class Loss implements AutoCloseable {
    /** The losses by name, as {@code --loss} spells them. */
    public enum Type {
        /** Softmax cross-entropy, optionally label-smoothed; for one class per sample. Accuracy: top-1. */
        SOFTMAX_CROSS_ENTROPY("cross-entropy"),
        /** Sigmoid binary cross-entropy per output; for multi-label data. Metric: per-label F1. */
        BINARY_CROSS_ENTROPY("bce"),
        /** Mean squared error per output; for regression. Metrics: MSE and MAE. */
        MEAN_SQUARED_ERROR("mse");

        private final String cliName;

        Type(String cliName) {
            this.cliName = cliName;
        }

        /** The short name: cross-entropy, bce, mse. */
        public String shortName() {
            return cliName;
        }

        /** Parses a short name or the constant's name, in any case. */
        public static Type parse(String name) {
            for (Type t : values()) {
                if (t.cliName.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown loss '" + name + "': use cross-entropy, bce or mse");
        }
    }

    final Backend backend;
    private final ReusableTensor expanded;
    private float[] hostLabels = new float[0];
    private float[] hostTargets = new float[0];
    private float[] hostOutputs = new float[0];

    private Loss(Backend backend) {
        this.backend = backend;
        this.expanded = new ReusableTensor(backend::allocate);
    }

    /** The loss of {@code type} on {@code backend}; {@code labelSmoothing} applies to cross-entropy only. */
    public static Loss create(Type type, float labelSmoothing, Backend backend) {
        if (labelSmoothing != 0 && type != Type.SOFTMAX_CROSS_ENTROPY) {
            throw new IllegalArgumentException("label smoothing applies to cross-entropy, not to " + type.shortName());
        }
        return switch (type) {
            case SOFTMAX_CROSS_ENTROPY -> new SoftmaxCrossEntropy(backend, labelSmoothing);
            case BINARY_CROSS_ENTROPY -> new BinaryCrossEntropy(backend);
            case MEAN_SQUARED_ERROR -> new MeanSquaredError(backend);
        };
    }

    /** The batch's mean loss; writes ∂loss/∂outputs into {@code grad}. */
    public abstract float compute(Tensor outputs, Tensor targets, Tensor grad);

    /**
     * Right answers in the batch: for class indices, samples whose largest output is the label; for
     * per-output targets, samples whose every output is on the right side of the decision threshold
     * (binary cross-entropy) — regression counts none.
     */
    public int correct(Tensor outputs, Tensor targets) {
        if (targets.shape().rank() == 1) {
            return backend.tensors().topKCorrect(outputs, targets, 1);
        }
        return exactMatches(outputs, targets);
    }

    int exactMatches(Tensor outputs, Tensor targets) {
        return 0;
    }

    /** Class indices {@code [N]} as one-hot rows shaped like {@code outputs}; other targets as they are. */
    Tensor perOutput(Tensor outputs, Tensor targets) {
        if (targets.shape().rank() != 1 || outputs.shape().rank() != 2) {
            return targets;
        }
        int n = outputs.shape().dim(0);
        int k = outputs.shape().dim(1);
        hostLabels = ensure(hostLabels, n);
        hostTargets = ensure(hostTargets, n * k);
        backend.tensors().copyToHost(targets, hostLabels, 0);
        Arrays.fill(hostTargets, 0, n * k, 0f);
        for (int i = 0; i < n; i++) {
            int c = (int) hostLabels[i];
            if (c < 0 || c >= k || c != hostLabels[i]) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "label %s of row %d is not a class index of the %d outputs", hostLabels[i], i, k));
            }
            hostTargets[i * k + c] = 1f;
        }
        Tensor t = expanded.get(outputs.shape());
        backend.tensors().copyFromHost(hostTargets, 0, t);
        return t;
    }

    /** The outputs and targets on the host, in reusable arrays ({@code hostOutputs}, {@code hostTargets}). */
    void download(Tensor outputs, Tensor targets) {
        int size = (int) outputs.shape().size();
        hostOutputs = ensure(hostOutputs, size);
        hostTargets = ensure(hostTargets, size);
        backend.tensors().copyToHost(outputs, hostOutputs, 0);
        backend.tensors().copyToHost(targets, hostTargets, 0);
    }

    float[] hostOutputs() {
        return hostOutputs;
    }

    float[] hostTargets() {
        return hostTargets;
    }

    private static float[] ensure(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    @Override
    public void close() {
        expanded.close();
    }

    /** {@code LossOps.softmaxCrossEntropy}: targets are class indices. */
    static final class SoftmaxCrossEntropy extends Loss {
        private final float labelSmoothing;

        SoftmaxCrossEntropy(Backend backend, float labelSmoothing) {
            super(backend);
            this.labelSmoothing = labelSmoothing;
        }

        @Override
        public float compute(Tensor outputs, Tensor targets, Tensor grad) {
            return backend.losses().softmaxCrossEntropy(outputs, targets, labelSmoothing, grad);
        }
    }

    /** {@code LossOps.binaryCrossEntropyWithLogits}: the outputs are logits, a label is on where σ(z) > ½. */
    static final class BinaryCrossEntropy extends Loss {
        BinaryCrossEntropy(Backend backend) {
            super(backend);
        }

        @Override
        public float compute(Tensor outputs, Tensor targets, Tensor grad) {
            return backend.losses().binaryCrossEntropyWithLogits(outputs, perOutput(outputs, targets), grad);
        }

        @Override
        int exactMatches(Tensor outputs, Tensor targets) {
            download(outputs, targets);
            int n = outputs.shape().dim(0);
            int k = (int) (outputs.shape().size() / n);
            int right = 0;
            for (int i = 0; i < n; i++) {
                boolean all = true;
                for (int j = 0; j < k && all; j++) {
                    all = (hostOutputs()[i * k + j] > 0) == (hostTargets()[i * k + j] > 0.5f);
                }
                right += all ? 1 : 0;
            }
            return right;
        }
    }

    /** {@code LossOps.meanSquaredError}. */
    static final class MeanSquaredError extends Loss {
        MeanSquaredError(Backend backend) {
            super(backend);
        }

        @Override
        public float compute(Tensor outputs, Tensor targets, Tensor grad) {
            return backend.losses().meanSquaredError(outputs, perOutput(outputs, targets), grad);
        }
    }
}
