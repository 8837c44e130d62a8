package dev.cortado.train;

import dev.cortado.optim.GradientClipping;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.optim.ScheduleSpec;

/**
 * How to train: the loop's length, batches, seed, optimizer, schedule and safeguards. Build with
 * {@link #builder()}; the defaults are those of the LeNet-5 recipe (Adam 1e-3, batch 64, 5 epochs).
 *
 * @param maxIterations         stop after this many iterations even mid-epoch (0: no limit)
 * @param validateEvery         validate also every this many iterations (0: only at the end of each epoch)
 * @param labelSmoothing        ε of the smoothed cross-entropy target (1-ε)·onehot + ε/C
 * @param loss                  what the trainer minimizes (softmax cross-entropy by default)
 */
public record TrainingConfig(int epochs, long maxIterations, int batchSize, long seed, OptimizerSpec optimizer,
                             ScheduleSpec schedule, GradientClipping clipping, float labelSmoothing,
                             long validateEvery, DivergencePolicy onDivergence, boolean dropLast, Loss.Type loss) {

    public static final int DEFAULT_EPOCHS = 5;
    public static final int DEFAULT_BATCH_SIZE = 64;
    public static final long DEFAULT_SEED = 42;

    public TrainingConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (maxIterations < 0) {
            throw new IllegalArgumentException("max iterations must be >= 0 (0 for no limit), got " + maxIterations);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must lie in [0, 1), got " + labelSmoothing);
        }
        if (loss == null) {
            throw new IllegalArgumentException("a loss is required (Loss.Type.SOFTMAX_CROSS_ENTROPY by default)");
        }
        if (labelSmoothing != 0 && loss != Loss.Type.SOFTMAX_CROSS_ENTROPY) {
            throw new IllegalArgumentException("label smoothing applies to cross-entropy, not to " + loss.shortName());
        }
        if (validateEvery < 0) {
            throw new IllegalArgumentException("validate-every must be >= 0 (0: each epoch only), got " + validateEvery);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.epochs = epochs;
        b.maxIterations = maxIterations;
        b.batchSize = batchSize;
        b.seed = seed;
        b.optimizer = optimizer;
        b.schedule = schedule;
        b.clipping = clipping;
        b.labelSmoothing = labelSmoothing;
        b.validateEvery = validateEvery;
        b.onDivergence = onDivergence;
        b.dropLast = dropLast;
        b.loss = loss;
        return b;
    }

    public static final class Builder {
        private int epochs = DEFAULT_EPOCHS;
        private long maxIterations;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private long seed = DEFAULT_SEED;
        private OptimizerSpec optimizer = OptimizerSpec.defaults(OptimizerType.ADAM);
        private ScheduleSpec schedule = ScheduleSpec.constant();
        private GradientClipping clipping = GradientClipping.none();
        private float labelSmoothing;
        private long validateEvery;
        private DivergencePolicy onDivergence = DivergencePolicy.STOP;
        private boolean dropLast;
        private Loss.Type loss = Loss.Type.SOFTMAX_CROSS_ENTROPY;

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder maxIterations(long v) {
            maxIterations = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder optimizer(OptimizerSpec v) {
            optimizer = v;
            return this;
        }

        public Builder schedule(ScheduleSpec v) {
            schedule = v;
            return this;
        }

        public Builder clipping(GradientClipping v) {
            clipping = v;
            return this;
        }

        public Builder labelSmoothing(float v) {
            labelSmoothing = v;
            return this;
        }

        public Builder validateEvery(long v) {
            validateEvery = v;
            return this;
        }

        public Builder onDivergence(DivergencePolicy v) {
            onDivergence = v;
            return this;
        }

        public Builder dropLast(boolean v) {
            dropLast = v;
            return this;
        }

        public Builder loss(Loss.Type v) {
            loss = v;
            return this;
        }

        public TrainingConfig build() {
            return new TrainingConfig(epochs, maxIterations, batchSize, seed, optimizer, schedule, clipping,
                    labelSmoothing, validateEvery, onDivergence, dropLast, loss);
        }
    }
}
