package dev.cortado.train;

import dev.cortado.backend.Backend;
import dev.cortado.data.Augmentation;
import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.Batch;
import dev.cortado.data.DataLoader;
import dev.cortado.data.Dataset;
import dev.cortado.data.LoaderPosition;
import dev.cortado.data.Normalize;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.nn.Parameter;
import dev.cortado.optim.LearningRateSchedule;
import dev.cortado.optim.Optimizer;
import dev.cortado.optim.StepUnit;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The training loop. Each step reads as the training step of {@code docs/architecture.md}: copy the
 * batch to the device, forward, loss and its gradient, backward, clip and check the gradients, one
 * fused update per parameter, and the loss and correct count read back once. Progress, logs, checkpoints and
 * early stopping are {@link TrainingListener}s.
 *
 * <p>On the CPU the run is deterministic: the data order and augmentations come from the seed and
 * the epoch, the dropout masks from the seed and the iteration, so the same seed gives bit-identical
 * weights, and a run resumed from a checkpoint continues exactly as the uninterrupted one would.
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Trainer.class);

    private final Backend backend;
    private final Network network;
    private final TrainingConfig config;
    private final String modelName;
    private final Dataset trainData;
    private final Dataset validationData;
    private final AugmentationPipeline trainTransform;
    private final AugmentationPipeline evalTransform;
    private final List<TrainingListener> listeners;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final List<Parameter> parameters;
    private final DeviceBatch batch;
    private final ReusableTensor logitsGradient;
    private final Map<String, String> extraMetadata;
    private final int workers;
    /** Ship training batches as 8-bit pixels and normalize them on the device (the transform's last step). */
    private final boolean pixelBatches;
    private long seed;
    private LoaderPosition position = LoaderPosition.START;
    private long iteration;
    /** Set by listeners, and by a signal handler on another thread. */
    private volatile boolean stopRequested;
    private EpochResult lastEpoch;
    /** Time the loop has spent waiting for batches in this trainer's fits. */
    private long dataWaitNanos;

    private Trainer(Builder b) {
        this.backend = b.network.backend();
        this.network = b.network;
        this.config = b.config;
        this.modelName = b.modelName;
        this.trainData = b.trainData;
        this.validationData = b.validationData;
        this.trainTransform = b.trainTransform;
        this.evalTransform = b.evalTransform;
        this.listeners = List.copyOf(b.listeners);
        this.extraMetadata = Map.copyOf(b.extraMetadata);
        this.workers = b.workers;
        this.pixelBatches = b.pixelBatches;
        this.seed = config.seed();
        this.optimizer = Optimizer.create(config.optimizer(), backend);
        this.schedule = config.schedule().build(config.optimizer().learningRate());
        this.parameters = network.parameters();
        this.batch = new DeviceBatch(backend);
        this.logitsGradient = new ReusableTensor(backend::allocate);
    }

    public static Builder builder(Network network, Dataset trainData) {
        return new Builder(network, trainData);
    }

    /** Trains until the configured epochs or iterations are done or a listener calls {@link #stop()}. */
    public void fit() {
        listeners.forEach(l -> l.onTrainingStart(this));
        List<Augmentation> steps = trainTransform.steps();
        AugmentationPipeline onHost = pixelBatches ? AugmentationPipeline.of(steps.subList(0, steps.size() - 1))
                : trainTransform;
        Normalize onDevice = pixelBatches ? (Normalize) steps.get(steps.size() - 1) : null;
        try (DataLoader loader = DataLoader.builder(trainData).batchSize(config.batchSize()).shuffle(true)
                .seed(seed).dropLast(config.dropLast()).augmentation(onHost).workers(workers).bytes(pixelBatches)
                .build()) {
            loader.seek(position);
            while (!finished()) {
                EpochResult epoch = runEpoch(loader, onDevice);
                if (interrupted()) {
                    // Stopped inside an epoch (a signal): no epoch end, no validation of part of an epoch;
                    // the caller saves the state, and a resume continues at the next sample.
                    break;
                }
                lastEpoch = epoch;
                listeners.forEach(l -> l.onEpochEnd(this, lastEpoch));
            }
        }
        listeners.forEach(l -> l.onTrainingEnd(this));
    }

    private boolean finished() {
        return stopRequested || complete();
    }

    private EpochResult runEpoch(DataLoader loader, Normalize onDevice) {
        int epoch = position.epoch();
        long start = System.nanoTime();
        long waitedBefore = dataWaitNanos;
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        while (position.epoch() == epoch && !finished()) {
            long loaderWait = loader.waitedNanos();
            Batch b = loader.next();
            dataWaitNanos += loader.waitedNanos() - loaderWait;
            position = loader.position();
            batch.upload(b, onDevice);
            IterationResult r = step(batch, epoch, b.index(), loader.batchesPerEpoch());
            if (!r.skipped()) {
                lossSum += (double) r.loss() * b.size();
                correct += r.correct();
                seen += b.size();
            }
            listeners.forEach(l -> l.onIterationEnd(this, r));
            if (config.validateEvery() > 0 && iteration % config.validateEvery() == 0 && validationData != null) {
                EvaluationResult v = validate();
                listeners.forEach(l -> l.onValidation(this, iteration, v));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double dataWait = (dataWaitNanos - waitedBefore) / 1e9 / seconds;
        EvaluationResult validation = validationData != null ? validate() : null;
        return new EpochResult(epoch, iteration, seen == 0 ? Double.NaN : lossSum / seen,
                seen == 0 ? Double.NaN : (double) correct / seen, seen / seconds, seconds, validation, dataWait);
    }

    /**
     * One training step on a batch the caller has already copied to the device, counted as an
     * iteration: the step {@link #fit()} runs for each batch from its loader (this iteration's
     * learning rate and dropout masks, forward, loss, backward, clip, update), without the loader and
     * without calling the listeners. A throughput benchmark uses it to time training on data that
     * stays on the device. The result's epoch and batch are those of {@link #position()}, which only
     * the loader advances.
     *
     * @throws DivergenceException when the loss or the gradient norm is not finite and the config
     *                             says to stop
     */
    public IterationResult step(DeviceBatch deviceBatch) {
        return step(deviceBatch, position.epoch(), position.batch(),
                DataLoader.batchesPerEpoch(trainData.size(), config.batchSize(), config.dropLast()));
    }

    /** One iteration: forward, loss, backward, clip, update. Nothing here allocates once shapes are known. */
    private IterationResult step(DeviceBatch device, int epoch, int batchInEpoch, int batchesPerEpoch) {
        float learningRate = learningRate(epoch);
        network.setDropoutSeed(dropoutSeed(seed, iteration));
        Tensor logits = network.forward(device.images(), Mode.TRAIN);
        Tensor dLogits = logitsGradient.get(logits.shape());
        float loss = backend.losses().softmaxCrossEntropy(logits, device.labels(), config.labelSmoothing(), dLogits);
        int correct = backend.tensors().topKCorrect(logits, device.labels(), 1);
        float norm = Float.NaN;
        boolean skipped;
        if (!Float.isFinite(loss)) {
            skipped = diverged("the training loss", loss, epoch, learningRate);
        } else {
            network.backward(dLogits);
            norm = config.clipping().apply(backend, parameters);
            skipped = !Float.isFinite(norm) && diverged("the gradient norm", norm, epoch, learningRate);
            if (!skipped) {
                optimizer.step(parameters, learningRate);
            }
        }
        iteration++;
        return new IterationResult(epoch, iteration, batchInEpoch, batchesPerEpoch, device.size(), loss, correct,
                learningRate, norm, skipped);
    }

    private boolean diverged(String what, float value, int epoch, float learningRate) {
        if (config.onDivergence() == DivergencePolicy.STOP) {
            throw new DivergenceException(what, value, iteration + 1, epoch, learningRate);
        }
        LOG.warn("{} became {} at iteration {} (learning rate {}); skipping this batch", what, value, iteration + 1,
                learningRate);
        return true;
    }

    private float learningRate(int epoch) {
        return schedule.rate(config.schedule().unit() == StepUnit.EPOCH ? epoch : iteration);
    }

    /** SplitMix64 of (seed, iteration): a fresh, reproducible dropout stream per iteration. */
    static long dropoutSeed(long seed, long iteration) {
        return dev.cortado.backend.CounterRng.hash(seed ^ 0x5DEECE66DL, iteration);
    }

    /** Evaluates the current weights on the validation data. */
    public EvaluationResult validate() {
        return Evaluator.evaluate(network, validationData, config.batchSize(), evalTransform, workers);
    }

    /** Asks the loop to stop after the current iteration (early stopping, a user's interrupt). */
    public void stop() {
        stopRequested = true;
    }

    /** Whether {@link #stop()} ended the run inside an epoch, which then had no epoch end. */
    public boolean interrupted() {
        return stopRequested && position.batch() != 0;
    }

    /** Writes the complete training state to {@code file} atomically (see {@link TrainingCheckpoint}). */
    public void saveCheckpoint(Path file) throws IOException {
        TrainingCheckpoint.write(file, this, seed);
    }

    /** Restores the complete training state written by {@link #saveCheckpoint}; training then continues from it. */
    public void resume(Path file) throws IOException {
        TrainingCheckpoint.State s = TrainingCheckpoint.read(file, this);
        position = s.position();
        iteration = s.iteration();
        seed = s.seed();
        listeners.forEach(l -> l.restoreState(s.metadata()));
        LOG.info("resumed from {} at epoch {}, iteration {}", file, position.epoch() + 1, iteration);
    }

    public Backend backend() {
        return backend;
    }

    public Network network() {
        return network;
    }

    public TrainingConfig config() {
        return config;
    }

    public String modelName() {
        return modelName;
    }

    /** Extra checkpoint metadata, such as the model overrides the command line used. */
    public Map<String, String> extraMetadata() {
        return extraMetadata;
    }

    /** The listeners' state to save with the training state (see {@link TrainingListener#checkpointState()}). */
    Map<String, String> listenerState() {
        Map<String, String> state = new LinkedHashMap<>();
        listeners.forEach(l -> state.putAll(l.checkpointState()));
        return state;
    }

    /** Whether the configured epochs or iterations are all done: a resumed finished run has nothing to do. */
    public boolean complete() {
        return position.epoch() >= config.epochs()
                || (config.maxIterations() > 0 && iteration >= config.maxIterations());
    }

    /** The run's seed: the configured one, or the one a resumed checkpoint recorded. */
    public long seed() {
        return seed;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** Iterations completed so far. */
    public long iteration() {
        return iteration;
    }

    /** Where the data loader continues: completed epochs and batches into the current one. */
    public LoaderPosition position() {
        return position;
    }

    /**
     * Nanoseconds the training loop has spent waiting for the data loader, over all fits: with the
     * time between two iterations, how data-bound the run is.
     */
    public long dataWaitNanos() {
        return dataWaitNanos;
    }

    /** The last completed epoch's result, or null before the first. */
    public EpochResult lastEpoch() {
        return lastEpoch;
    }

    public Dataset trainData() {
        return trainData;
    }

    @Override
    public void close() {
        batch.close();
        optimizer.close();
        logitsGradient.close();
    }

    public static final class Builder {
        private final Network network;
        private final Dataset trainData;
        private TrainingConfig config = TrainingConfig.builder().build();
        private String modelName = "model";
        private Dataset validationData;
        private AugmentationPipeline trainTransform = AugmentationPipeline.identity();
        private AugmentationPipeline evalTransform = AugmentationPipeline.identity();
        private final List<TrainingListener> listeners = new ArrayList<>();
        private final Map<String, String> extraMetadata = new LinkedHashMap<>();
        private int workers = 1;
        private boolean pixelBatches;

        private Builder(Network network, Dataset trainData) {
            this.network = network;
            this.trainData = trainData;
        }

        public Builder config(TrainingConfig v) {
            config = v;
            return this;
        }

        /** The name recorded in checkpoints, so that loading one into another model fails clearly. */
        public Builder modelName(String v) {
            modelName = v;
            return this;
        }

        public Builder validationData(Dataset v) {
            validationData = v;
            return this;
        }

        /** Per-sample transforms of training data: random augmentations, then normalization. */
        public Builder trainTransform(AugmentationPipeline v) {
            trainTransform = v;
            return this;
        }

        /** Per-sample transforms of validation data: normalization only, as a rule. */
        public Builder evalTransform(AugmentationPipeline v) {
            evalTransform = v;
            return this;
        }

        /** A metadata entry saved in every checkpoint (keys outside "cortado." are free to use). */
        public Builder metadata(String key, String value) {
            extraMetadata.put(key, value);
            return this;
        }

        /** Data loader threads for training and validation; the results do not depend on it. Default 1. */
        public Builder workers(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("workers must be at least 1, got " + v);
            }
            workers = v;
            return this;
        }

        /**
         * Ship training batches to the device as 8-bit pixels, a quarter of the copy, and normalize them
         * there: the train transform must end in a {@link Normalize} after crops and flips only, over a
         * dataset with 8-bit pixels. Crops and flips give the same bits as float batches; a resampling
         * crop's values are rounded to bytes first. Default off.
         */
        public Builder pixelBatches(boolean v) {
            pixelBatches = v;
            return this;
        }

        public Builder listener(TrainingListener v) {
            listeners.add(v);
            return this;
        }

        public Trainer build() {
            ClassifierHead.requireRoomForLabels(network, trainData.numClasses());
            List<Augmentation> steps = trainTransform.steps();
            if (pixelBatches && (!trainData.hasBytePixels() || steps.isEmpty()
                    || !(steps.get(steps.size() - 1) instanceof Normalize))) {
                throw new IllegalArgumentException("8-bit batches need training data with 8-bit pixels ("
                        + trainData.description() + (trainData.hasBytePixels() ? " has them" : " has not")
                        + ") and a train transform that ends in its normalization, got " + trainTransform);
            }
            return new Trainer(this);
        }
    }
}
