package dev.cortado.train;

import dev.cortado.backend.Backend;
import dev.cortado.data.Augmentation;
import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.Batch;
import dev.cortado.data.DataLoader;
import dev.cortado.data.Dataset;
import dev.cortado.data.LoaderPosition;
import dev.cortado.data.Normalize;
import dev.cortado.distributed.DataParallel;
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
 *
 * <p>Data parallel ({@link #builder(DataParallel, Dataset)}): the batch is the global batch, and each
 * replica takes an even share of its rows. Each runs forward and the loss on its rows, its loss gradient
 * weighted by its share of the batch, so that the all-reduced sum of the replicas' parameter gradients is
 * the gradient of the mean loss over the global batch; backward all-reduces as it goes, and every replica
 * then clips and updates identically. The loss, the correct count and the gradient norm are those of the
 * global batch; the dropout masks depend on a sample's row in the global batch, not on the replica. With
 * one replica this is the single-device step, bit for bit.
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Trainer.class);

    private final Backend backend;
    private final Network network;
    private final DataParallel replicas;
    private final Replica[] states;
    private final TrainingConfig config;
    private final String modelName;
    private final Dataset trainData;
    private final Dataset validationData;
    private final AugmentationPipeline trainTransform;
    private final AugmentationPipeline evalTransform;
    private final List<TrainingListener> listeners;
    private final LearningRateSchedule schedule;
    private final Map<String, String> extraMetadata;
    private final ModelDescription description;
    private final DataParallel.ReplicaTask forwardPhase = this::forward;
    private final DataParallel.ReplicaTask backwardPhase = this::backwardAndUpdate;
    private final DataParallel.ReplicaTask uploadPhase = this::upload;
    /** This step's inputs to the phases: set by the step on the calling thread before each phase runs. */
    private float stepLearningRate;
    private long stepDropoutSeed;
    private Batch stepHostBatch;
    /** The normalization the device applies to this step's 8-bit batch, or null for float batches. */
    private Normalize stepOnDevice;
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
        this.replicas = b.replicas;
        this.backend = replicas.backend(0);
        this.network = replicas.primary();
        this.config = b.config;
        this.modelName = b.modelName;
        this.trainData = b.trainData;
        this.validationData = b.validationData;
        this.trainTransform = b.trainTransform;
        this.evalTransform = b.evalTransform;
        this.listeners = List.copyOf(b.listeners);
        this.extraMetadata = Map.copyOf(b.extraMetadata);
        this.description = new ModelDescription(network.spec(), b.normalize,
                b.classNames != null ? b.classNames : trainData.classNames(), config.loss());
        this.workers = b.workers;
        this.pixelBatches = b.pixelBatches;
        this.seed = config.seed();
        this.schedule = config.schedule().build(config.optimizer().learningRate());
        this.states = new Replica[replicas.size()];
        for (int r = 0; r < states.length; r++) {
            states[r] = new Replica(replicas.network(r), Optimizer.create(config.optimizer(), replicas.backend(r)),
                    Loss.create(config.loss(), config.labelSmoothing(), replicas.backend(r)));
        }
    }

    /** A trainer of {@code network} on its one device. */
    public static Builder builder(Network network, Dataset trainData) {
        return new Builder(DataParallel.single(network), trainData);
    }

    /** A data-parallel trainer: every step runs on all of {@code replicas}; the batch size is the global batch. */
    public static Builder builder(DataParallel replicas, Dataset trainData) {
        return new Builder(replicas, trainData);
    }

    /** What one replica keeps from step to step, and what its phases hand to the step. */
    private static final class Replica implements AutoCloseable {
        final Network network;
        final Backend backend;
        final Optimizer optimizer;
        final List<Parameter> parameters;
        final DeviceBatch batch;
        final ReusableTensor logitsGradient;
        final Loss lossFunction;
        /** The device batch of this step: {@link #batch}, or the caller's in {@link #step(DeviceBatch)}. */
        DeviceBatch input;
        int firstRow;
        int rows;
        /** rows / global rows: the weight of this replica's mean loss in the global batch's mean. */
        float weight;
        Tensor dLogits;
        float loss;
        int correct;
        float norm;

        Replica(Network network, Optimizer optimizer, Loss lossFunction) {
            this.network = network;
            this.backend = network.backend();
            this.optimizer = optimizer;
            this.parameters = network.parameters();
            this.batch = new DeviceBatch(backend);
            this.logitsGradient = new ReusableTensor(backend::allocate);
            this.lossFunction = lossFunction;
        }

        @Override
        public void close() {
            batch.close();
            optimizer.close();
            logitsGradient.close();
            lossFunction.close();
        }
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
        // The primary network, which the caller evaluates and saves, gets the replicas' mean statistics.
        replicas.averageBuffers();
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
            stepOnDevice = onDevice;
            IterationResult r = step(b, null, epoch, b.index(), loader.batchesPerEpoch());
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
     * the loader advances. One device only: a data-parallel trainer takes {@link #scatter} and {@link #step()}.
     *
     * @throws DivergenceException when the loss or the gradient norm is not finite and the config
     *                             says to stop
     */
    public IterationResult step(DeviceBatch deviceBatch) {
        if (states.length > 1) {
            throw new IllegalStateException("a data-parallel trainer takes its batch through scatter(Batch), "
                    + "which gives each of its " + states.length + " replicas its rows");
        }
        return step(null, deviceBatch, position.epoch(), position.batch(), batchesPerEpoch());
    }

    /**
     * Copies a host batch to the replicas, each its share of the rows, for the following {@link #step()}s:
     * a benchmark's way to time data-parallel training on data that stays on the devices.
     */
    public void scatter(Batch hostBatch) {
        split(hostBatch.size());
        stepHostBatch = hostBatch;
        try {
            replicas.run(uploadPhase);
        } finally {
            stepHostBatch = null;
        }
        for (Replica s : states) {
            s.input = s.batch;
        }
    }

    /** One training step, as {@link #step(DeviceBatch)}, on the batch the last {@link #scatter} copied. */
    public IterationResult step() {
        if (states[0].input != states[0].batch) {
            throw new IllegalStateException("no batch on the replicas: scatter one first");
        }
        return step(null, states[0].batch, position.epoch(), position.batch(), batchesPerEpoch());
    }

    private int batchesPerEpoch() {
        return DataLoader.batchesPerEpoch(trainData.size(), config.batchSize(), config.dropLast());
    }

    /**
     * One iteration: forward and loss on every replica, then backward, all-reduce, clip and update on
     * every replica. {@code host} (fit's batch) is uploaded by each replica; otherwise {@code device} (one
     * device) or the last scatter is used. Nothing here allocates once shapes are known.
     */
    private IterationResult step(Batch host, DeviceBatch device, int epoch, int batchInEpoch, int batchesPerEpoch) {
        int rows;
        if (host != null) {
            rows = host.size();
            split(rows);
        } else if (states.length == 1) {
            rows = device.size();
            states[0].input = device;
            split(rows);
        } else {
            rows = 0;
            for (Replica s : states) {
                rows += s.rows;
            }
        }
        stepHostBatch = host;
        stepLearningRate = learningRate(epoch);
        stepDropoutSeed = dropoutSeed(seed, iteration);
        try {
            replicas.run(forwardPhase);
        } finally {
            stepHostBatch = null;
        }
        float loss = 0;
        int correct = 0;
        for (Replica s : states) {
            if (s.rows > 0) {
                loss += s.weight * s.loss;
                correct += s.correct;
            }
        }
        float norm = Float.NaN;
        boolean skipped;
        if (!Float.isFinite(loss)) {
            skipped = diverged("the training loss", loss, epoch, stepLearningRate);
        } else {
            replicas.run(backwardPhase);
            // After the all-reduce every replica holds the same gradients, hence the same norm.
            norm = states[0].norm;
            skipped = !Float.isFinite(norm) && diverged("the gradient norm", norm, epoch, stepLearningRate);
        }
        iteration++;
        return new IterationResult(epoch, iteration, batchInEpoch, batchesPerEpoch, rows, loss, correct,
                stepLearningRate, norm, skipped);
    }

    /** Each replica's rows of a global batch of {@code rows}: even shares, the first replicas one more. */
    private void split(int rows) {
        int k = states.length;
        int first = 0;
        for (int r = 0; r < k; r++) {
            Replica s = states[r];
            s.firstRow = first;
            s.rows = rows / k + (r < rows % k ? 1 : 0);
            // Exactly 1 for one replica, exactly 1/2 for two: the single-device step's bits stay as they are.
            s.weight = k == 1 ? 1f : (float) s.rows / rows;
            first += s.rows;
        }
    }

    /** Phase 0 of {@link #scatter}: replica r copies its rows to its device. */
    private void upload(int r) {
        Replica s = states[r];
        if (s.rows > 0 && stepOnDevice != null) {
            s.batch.upload(stepHostBatch, stepOnDevice); // one replica only: checked when the trainer is built
        } else if (s.rows > 0) {
            s.batch.upload(stepHostBatch, s.firstRow, s.rows);
        }
    }

    /** Phase 1 of a step: replica r's rows to the device (in fit), forward, loss and its weighted gradient. */
    private void forward(int r) {
        Replica s = states[r];
        if (stepHostBatch != null) {
            upload(r);
            s.input = s.batch;
        }
        if (s.rows == 0) {
            return;
        }
        DeviceBatch in = s.input;
        s.network.setDropoutSeed(stepDropoutSeed, s.firstRow);
        Tensor logits = s.network.forward(in.images(), Mode.TRAIN);
        s.dLogits = s.logitsGradient.get(logits.shape());
        s.loss = s.lossFunction.compute(logits, in.labels(), s.dLogits);
        if (s.weight != 1f) {
            s.backend.tensors().scale(s.dLogits, s.weight);
        }
        s.correct = s.lossFunction.correct(logits, in.labels());
    }

    /** Phase 2: backward with the all-reduce, the global gradient norm and clipping, the update unless it is not finite. */
    private void backwardAndUpdate(int r) {
        Replica s = states[r];
        if (s.rows > 0) {
            replicas.backward(r, s.dLogits);
        } else {
            replicas.backwardWithoutRows(r);
        }
        s.norm = config.clipping().apply(s.backend, s.parameters);
        if (Float.isFinite(s.norm)) {
            s.optimizer.step(s.parameters, stepLearningRate);
        }
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
        return dev.cortado.backend.CounterRng.hash(seed ^ dev.cortado.backend.CounterRng.STREAM_SALT, iteration);
    }

    /** Evaluates the current weights on the validation data (on the primary replica, with the replicas' mean statistics). */
    public EvaluationResult validate() {
        replicas.averageBuffers();
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
        replicas.averageBuffers();
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

    /**
     * The network, or with several replicas the primary one (replica 0): it holds the replicas' mean
     * batch-norm statistics after {@link #fit()}, {@link #validate()} and {@link #saveCheckpoint}.
     */
    public Network network() {
        return network;
    }

    /** The replicas this trainer steps: one for a single device. */
    public DataParallel replicas() {
        return replicas;
    }

    /** Replica r's network and optimizer, for restoring a checkpoint into each. */
    Network network(int replica) {
        return states[replica].network;
    }

    Optimizer optimizer(int replica) {
        return states[replica].optimizer;
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

    /** What every checkpoint records about the model: architecture, normalization, class names. */
    public ModelDescription description() {
        return description;
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

    /** The optimizer of the primary replica; every replica's holds the same state. */
    public Optimizer optimizer() {
        return states[0].optimizer;
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
        for (Replica s : states) {
            s.close();
        }
    }

    public static final class Builder {
        private final DataParallel replicas;
        private final Dataset trainData;
        private TrainingConfig config = TrainingConfig.builder().build();
        private String modelName = "model";
        private Dataset validationData;
        private AugmentationPipeline trainTransform = AugmentationPipeline.identity();
        private AugmentationPipeline evalTransform = AugmentationPipeline.identity();
        private final List<TrainingListener> listeners = new ArrayList<>();
        private final Map<String, String> extraMetadata = new LinkedHashMap<>();
        private Normalize normalize;
        private List<String> classNames;
        private int workers = 1;
        private boolean pixelBatches;

        private Builder(DataParallel replicas, Dataset trainData) {
            this.replicas = replicas;
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

        /**
         * The normalization the transforms apply to inputs, recorded in checkpoints so that inference
         * prepares images the same way. Unset: inputs are used as they are.
         */
        public Builder normalize(Normalize v) {
            normalize = v;
            return this;
        }

        /** The class names recorded in checkpoints; by default the training data's. */
        public Builder classNames(List<String> v) {
            classNames = List.copyOf(v);
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
            ClassifierHead.requireRoomForLabels(replicas.primary(), trainData.numClasses());
            List<Augmentation> steps = trainTransform.steps();
            if (pixelBatches && (!trainData.hasBytePixels() || steps.isEmpty()
                    || !(steps.get(steps.size() - 1) instanceof Normalize))) {
                throw new IllegalArgumentException("8-bit batches need training data with 8-bit pixels ("
                        + trainData.description() + (trainData.hasBytePixels() ? " has them" : " has not")
                        + ") and a train transform that ends in its normalization, got " + trainTransform);
            }
            if (pixelBatches && replicas.size() > 1) {
                throw new IllegalArgumentException("8-bit batches are normalized on one device only so far; leave"
                        + " them off with several replicas");
            }
            return new Trainer(this);
        }
    }
}
