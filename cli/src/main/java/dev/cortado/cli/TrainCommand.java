package dev.cortado.cli;

import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.DataLoader;
import dev.cortado.distributed.DataParallel;
import dev.cortado.models.NetworkSpecs;
import dev.cortado.models.PretrainedWeights;
import dev.cortado.nn.MemoryPlan;
import dev.cortado.nn.Network;
import dev.cortado.optim.GradientClipping;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.optim.ScheduleSpec;
import dev.cortado.optim.ScheduleType;
import dev.cortado.optim.StepUnit;
import dev.cortado.train.CheckpointSaver;
import dev.cortado.train.ClassifierHead;
import dev.cortado.train.EarlyStopping;
import dev.cortado.train.EpochResult;
import dev.cortado.train.EvaluationResult;
import dev.cortado.train.Evaluator;
import dev.cortado.train.Loss;
import dev.cortado.train.MetricsCsvLog;
import dev.cortado.train.ProgressDisplay;
import dev.cortado.train.Trainer;
import dev.cortado.train.TrainingConfig;
import dev.cortado.train.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cortado train}: builds the model, opens the data, trains with checkpoints, metrics CSV,
 * plot and progress, evaluates on the test split and prints the summary. Without arguments it is the
 * main job: LeNet-5 on Fashion-MNIST, Adam 1e-3 annealed on a cosine, batch 64, 5 epochs, seed 42.
 */
@Command(name = "train", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Train a model. With no options: LeNet-5 on Fashion-MNIST (Adam 1e-3 on a cosine, batch 64,"
                + " 5 epochs: the recipe lenet5-fashion-mnist).")
final class TrainCommand implements Callable<Integer> {
    private static final Logger LOG = LogManager.getLogger(TrainCommand.class);

    /** Options about this invocation rather than the run: a recipe does not set them. */
    static final Set<String> PER_INVOCATION = Set.of("recipe", "resume", "init-weights", "json", "overwrite", "replicas");

    /** The files of a run in its directory: a new run must not mix its own with another's. */
    private static final List<String> RUN_FILES = List.of("last.safetensors", "best.safetensors", "metrics.csv",
            "training.png");

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--data", paramLabel = "DIR|NAME",
            description = "Dataset directory (IDX, CIFAR binary or image folder), or a dataset's name: fashion-mnist,"
                    + " mnist, cifar10, looked for in /usr/share/datasets, then in the dataset cache"
                    + " (~/.cache/cortado/datasets or $CORTADO_DATA_DIR), and downloaded into the cache if in neither."
                    + " Default: $CORTADO_DATA, else fashion-mnist.")
    Path data;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Force the data format: idx, cifar10, cifar100, "
            + "image-folder (detected from the files by default).")
    String format;

    @Option(names = "--no-download", description = "Never download a dataset that is not on this machine; stop with"
            + " an error instead (CORTADO_NO_DOWNLOAD=1 does the same).")
    boolean noDownload;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "" + TrainingConfig.DEFAULT_EPOCHS,
            description = "Epochs to train. Default: ${DEFAULT-VALUE}.")
    Integer epochs;

    @Option(names = "--max-iterations", paramLabel = "N", defaultValue = "0",
            description = "Stop after N iterations (0: no limit).")
    Long maxIterations;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + TrainingConfig.DEFAULT_BATCH_SIZE,
            description = "Mini-batch size. Default: ${DEFAULT-VALUE}.")
    Integer batchSize;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam, adamw. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate. Default: the optimizer's (adam 1e-3).")
    Double lr;

    @Option(names = "--momentum", paramLabel = "M", description = "Momentum (sgd with momentum > 0 becomes momentum).")
    Double momentum;

    @Option(names = "--weight-decay", paramLabel = "L2", description = "Weight decay (decoupled for adamw).")
    Double weightDecay;

    @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "cosine",
            description = "constant, step, multistep, exponential, inverse_time, polynomial, cosine. Default:"
                    + " ${DEFAULT-VALUE} (annealed to --min-lr over the run).")
    String schedule;

    @Option(names = "--schedule-unit", paramLabel = "epoch|iteration",
            description = "Whether the schedule counts epochs or iterations. Default: iteration for the smooth"
                    + " schedules (cosine, polynomial), epoch for the others.")
    String scheduleUnit;

    @Option(names = "--step-size", paramLabel = "N", description = "step: decay every N schedule steps.")
    Long stepSize;

    @Option(names = "--gamma", paramLabel = "G",
            description = "Decay factor (step, multistep: 0.1; exponential: 0.95; inverse_time: 1e-4).")
    Double gamma;

    @Option(names = "--milestones", paramLabel = "N,N", split = ",", description = "multistep: where the rate drops.")
    List<Long> milestones;

    @Option(names = "--min-lr", paramLabel = "RATE", defaultValue = "0",
            description = "cosine: the final rate. Default: ${DEFAULT-VALUE}.")
    Double minLr;

    @Option(names = "--power", paramLabel = "P", description = "polynomial (1.0) and inverse_time (0.75) exponent.")
    Double power;

    @Option(names = "--total-steps", paramLabel = "N",
            description = "polynomial, cosine: schedule length. Default: the whole run.")
    Long totalSteps;

    @Option(names = "--warmup", paramLabel = "N", description = "Linear warm-up over N schedule steps.")
    Long warmup;

    @Option(names = "--augment", paramLabel = "LIST", split = ",", defaultValue = "none",
            description = "Training augmentations: crop (pad and random crop), resized-crop (random area and aspect,"
                    + " resized), flip, rotate (±15°). Default: ${DEFAULT-VALUE}.")
    List<String> augment;

    @Option(names = "--workers", paramLabel = "N", description = "Threads that read and augment the training data"
            + " (the results do not depend on it). Default: the cores minus one, at least 1.")
    Integer workers;

    @Option(names = "--uint8-batches", description = "Ship training batches to the device as 8-bit pixels and normalize"
            + " them there: a quarter of the copy. Crops and flips train bit for bit as without; a resized crop's values"
            + " are rounded to bytes first.")
    boolean uint8Batches;

    @Option(names = "--val-split", paramLabel = "FRACTION", description = "Hold out this fraction of the training "
            + "data for validation (default: validate on the test split).")
    Double valSplit;

    @Option(names = "--validate-every", paramLabel = "N",
            description = "Validate every N iterations as well as at the end of each epoch. Default: each epoch only.")
    Long validateEvery;

    @Option(names = "--early-stop", paramLabel = "PATIENCE",
            description = "Stop when validation accuracy has not improved for PATIENCE epochs.")
    Integer earlyStop;

    @Option(names = "--clip-grad", paramLabel = "NORM", description = "Clip the global gradient L2 norm.")
    Double clipGrad;

    @Option(names = "--clip-value", paramLabel = "V", description = "Clip every gradient element to [-V, V].")
    Double clipValue;

    @Option(names = "--label-smoothing", paramLabel = "EPS", description = "Label smoothing ε. Default: 0.")
    Double labelSmoothing;

    @Option(names = "--loss", paramLabel = "LOSS", description = "cross-entropy (softmax), bce (sigmoid binary"
            + " cross-entropy per class, on one-hot targets) or mse (squared error on one-hot targets)."
            + " Default: cross-entropy.")
    String loss;

    @Mixin
    BackendOptions backend;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "" + TrainingConfig.DEFAULT_SEED,
            description = "Seed of weights, data order, augmentation, dropout. Default: ${DEFAULT-VALUE}.")
    Long seed;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Where checkpoints, metrics.csv and training.png go. Default: runs/<model>-<time>.")
    Path checkpointDir;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Also save last.safetensors every N"
            + " iterations inside an epoch (a resume continues at the same sample). Default: at each epoch's end only.")
    Long checkpointEvery;

    @Option(names = "--resume", paramLabel = "FILE", description = "Continue the run saved in this checkpoint, with"
            + " its settings (data, model, optimizer, schedule, ...); flags given with it override them (--epochs N"
            + " extends the run).")
    Path resume;

    @Option(names = "--overwrite", description = "Start a new run in a --checkpoint-dir that holds another run,"
            + " replacing its checkpoints, metrics and plot.")
    boolean overwrite;

    @Option(names = "--init-weights", paramLabel = "FILE", description = "Start from these weights (fine-tuning).")
    Path initWeights;

    @Option(names = "--recipe", paramLabel = "NAME|FILE",
            description = "A YAML recipe with the long flag names as keys, or a shipped recipe by name (lenet5-fashion-mnist,"
                    + " resnet20-cifar10); flags override it.")
    String recipe;

    @Option(names = "--json", description = "Print one JSON object with the results on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Progress progress = new Progress();
        try {
            return train(progress);
        } catch (Exception | OutOfMemoryError e) {
            if (json) {
                // --json promises one object, also when the run fails: the error and what was reached.
                Map<String, Object> failed = progress.reached();
                failed.put("error", ExitCodes.classify(e).message());
                JsonOutput.print(spec.commandLine().getOut(), failed);
            }
            throw e;
        }
    }

    /**
     * Fills the options the command line left out from the resumed run and the recipe, then checks
     * them all once.
     */
    private void resolveOptions() throws IOException {
        if (resume != null && initWeights != null) {
            throw new UserInputException("--resume and --init-weights exclude each other: --resume continues a run with"
                    + " its weights and optimizer state, --init-weights starts a new run from a model's weights");
        }
        SavedRunOptions saved = resume == null ? null : SavedRunOptions.read(resume);
        List<OptionLayers.Layer> layers = new ArrayList<>();
        if (saved != null) {
            layers.add(saved);
        }
        if (recipe != null) {
            layers.add(TrainingRecipe.load(recipe));
        }
        Map<String, OptionLayers.Layer> sources = OptionLayers.apply(spec, layers, PER_INVOCATION);
        if (saved != null) {
            saved.checkOverrides(spec, sources);
        }
        validate();
    }

    private int train(Progress progress) throws Exception {
        resolveOptions();
        DeviceList devices = deviceList();
        boolean defaultData = data == null;
        data = DatasetLocator.fromEnvironment().locate(data, !noDownload, spec.commandLine().getErr());

        // The data first: the model's input size and number of classes follow it.
        TrainingInputs inputs = TrainingInputs.resolve(model.model, model.variables(), model.inputSize(), data,
                defaultData, format, valSplit, seed);
        if (inputs.validation() == null && (earlyStop != null || validateEvery != null)) {
            throw new UserInputException((earlyStop != null ? "--early-stop" : "--validate-every") + " needs validation "
                    + "data, but " + inputs.fullTrain().description() + " has no test split; add --val-split F");
        }
        TrainingConfig config = trainingConfig(inputs.train().size());
        AugmentationPipeline trainTransform = Augmentations.training(augment, inputs.sampleShape(), inputs.inputShape(),
                inputs.normalize());
        AugmentationPipeline evalTransform = Augmentations.evaluation(inputs.sampleShape(), inputs.inputShape(),
                inputs.normalize());
        String modelName = inputs.model().name();
        Path runDir = runDirectory(modelName);

        try (DeviceList.Opened opened = backend.open(devices);
             DataParallel replicas = DataParallel.build(MemoryPlan.checked(NetworkSpecs.from(inputs.model()),
                     config.batchSize(), config.optimizer().type(), opened.backends().get(0)), opened.backends(), seed,
                     backend.bucketBytes())) {
            Network network = replicas.primary();
            checkModel(inputs, network);
            if (initWeights != null) {
                PretrainedWeights.load(initWeights, network, model.model);
                replicas.broadcastWeights();
                LOG.info("initialized the weights from {}", initWeights);
            }
            List<EpochResult> epochResults = new ArrayList<>();
            CheckpointSaver saver = new CheckpointSaver(runDir, checkpointEvery == null ? 0 : checkpointEvery);
            Trainer.Builder builder = Trainer.builder(replicas, inputs.train()).config(config).modelName(modelName)
                    .validationData(inputs.validation()).trainTransform(trainTransform).evalTransform(evalTransform)
                    .workers(loaderWorkers()).pixelBatches(uint8Batches);
            addListeners(builder, inputs, runDir, saver, epochResults);
            builder.normalize(inputs.normalize()).classNames(inputs.classNames());
            CheckpointModel.metadata(inputs.modelName(), inputs.variables(), inputs.dataDirectory())
                    .forEach(builder::metadata);
            builder.metadata(SavedRunOptions.KEY, SavedRunOptions.metadata(spec, savedKeys()));
            try (Trainer trainer = builder.build()) {
                progress.started(trainer, saver, runDir);
                if (resume != null) {
                    trainer.resume(resume);
                    if (trainer.complete()) {
                        spec.commandLine().getErr().printf("nothing to do: the run in %s finished at epoch %d (iteration"
                                + " %d); pass --epochs with more than %d to train longer%n", resume, trainer.position()
                                .epoch(), trainer.iteration(), trainer.position().epoch());
                        if (json) {
                            JsonOutput.print(spec.commandLine().getOut(), progress.reached());
                        }
                        return ExitCodes.OK;
                    }
                }
                LOG.info("training {} ({} parameters) on {} ({} training images{}) with {}; run directory {}",
                        modelName, String.format(Locale.ROOT, "%,d", network.parameterCount()),
                        inputs.dataDirectory(), inputs.train().size(), inputs.validation() == null ? ""
                                : ", " + inputs.validation().size() + " validation", replicas.devices(), runDir);
                long start = System.nanoTime();
                try (Preemption preemption = Preemption.install(trainer, spec.commandLine().getErr())) {
                    trainer.fit();
                    if (preemption.caught() != null) {
                        return stopped(trainer, saver, progress, preemption.caught());
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;

                EvaluationResult testResult = null;
                EpochResult last = trainer.lastEpoch();
                if (inputs.test() != null) {
                    // The last epoch's validation already was the test split, at the same weights.
                    testResult = !inputs.validatesOnHoldOut() && last != null && last.validation() != null
                            && trainer.position().batch() == 0
                            ? last.validation() : Evaluator.evaluate(network, inputs.test(), batchSize, evalTransform,
                            loaderWorkers());
                }
                TrainResult result = result(network, replicas.devices(), trainer, epochResults, testResult, saver, runDir,
                        seconds);
                print(result);
            }
        }
        return ExitCodes.OK;
    }

    /** Progress, metrics, plot, early stopping and checkpoints, in the order their state must be saved. */
    private void addListeners(Trainer.Builder builder, TrainingInputs inputs, Path runDir, CheckpointSaver saver,
                              List<EpochResult> epochResults) {
        MetricsCsvLog metrics = new MetricsCsvLog(runDir.resolve("metrics.csv"));
        builder.listener(new ProgressDisplay(spec.commandLine().getErr(), System.console() != null, System::nanoTime))
                .listener(metrics)
                .listener(new DataBoundWarning(DataBoundWarning.remedy(loaderWorkers(), inputs), System::nanoTime))
                .listener(new TrainingPlot(runDir.resolve("training.png"), inputs.model().name() + " on "
                        + inputs.dataDirectory().getFileName(), metrics.file()));
        if (earlyStop != null) {
            builder.listener(new EarlyStopping(earlyStop, 0.0));
        }
        // Last, so that the checkpoints it writes hold the other listeners' state after the epoch.
        builder.listener(saver).listener(new TrainingListener() {
            @Override
            public void onEpochEnd(Trainer t, EpochResult r) {
                epochResults.add(r);
            }
        });
    }

    /** After a signal: the run's state saved (unless an epoch's end just saved it), and how to go on. */
    private int stopped(Trainer trainer, CheckpointSaver saver, Progress progress, sun.misc.Signal signal)
            throws IOException {
        if (trainer.interrupted()) {
            saver.saveLast(trainer);
        }
        spec.commandLine().getErr().printf("cortado train: stopped by SIG%s at epoch %d, iteration %,d; saved %s;"
                        + " continue with: cortado train --resume %s%n", signal.getName(), trainer.position().epoch() + 1,
                trainer.iteration(), saver.last(), saver.last());
        if (json) {
            Map<String, Object> reached = progress.reached();
            reached.put("error", "stopped by SIG" + signal.getName());
            JsonOutput.print(spec.commandLine().getOut(), reached);
        }
        return Preemption.exitCode(signal);
    }

    /**
     * The replicas' devices, or null for one device. {@code --replicas} on the command line replaces the devices a
     * resumed run saved, and is recorded as the devices it names, so that a resume without flags continues on them.
     * The global batch must split evenly over them.
     */
    private DeviceList deviceList() {
        if (backend.replicas != null) {
            if (OptionLayers.onCommandLine(spec, spec.findOption("--devices"))) {
                throw new UserInputException("--devices and --replicas exclude each other; give one");
            }
            backend.devices = null;
        }
        DeviceList devices = backend.deviceList();
        if (devices != null) {
            devices.requireEvenSplit("--batch-size", batchSize);
            backend.devices = devices.names();
        }
        return devices;
    }

    /** The options a checkpoint records: the run's settings, not where it is written nor this invocation's. */
    private Set<String> savedKeys() {
        Set<String> keys = new java.util.TreeSet<>();
        spec.options().forEach(o -> keys.add(OptionLayers.key(o)));
        keys.removeAll(PER_INVOCATION);
        keys.removeAll(Set.of("checkpoint-dir", "help", "version"));
        return keys;
    }

    /** The network must end in one score per class, and its declared size (if any) must be what was built. */
    private static void checkModel(TrainingInputs inputs, Network network) {
        ClassifierHead.requireFits(network, inputs.fullTrain().numClasses());
        long declared = inputs.model().referenceParameters();
        if (declared > 0 && inputs.variables().isEmpty() && declared != network.parameterCount()) {
            LOG.warn("model {} has {} parameters, but its config declares 'parameters: {}'; check the config",
                    inputs.modelName(), String.format(Locale.ROOT, "%,d", network.parameterCount()),
                    String.format(Locale.ROOT, "%,d", declared));
        }
    }

    /** What a run has reached, for the JSON object of a run that fails or has nothing to do. */
    private static final class Progress {
        private Trainer trainer;
        private CheckpointSaver saver;
        private Path runDir;

        void started(Trainer t, CheckpointSaver s, Path dir) {
            trainer = t;
            saver = s;
            runDir = dir;
        }

        Map<String, Object> reached() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            if (trainer != null) {
                m.put("model", trainer.modelName());
                m.put("epochs", trainer.position().epoch());
                m.put("iterations", trainer.iteration());
                EpochResult last = trainer.lastEpoch();
                m.put("train_loss", last == null ? null : last.trainLoss());
                m.put("best_validation_accuracy", saver.bestAccuracy());
                m.put("checkpoint", saver.lastSaved() == null ? null : saver.lastSaved().toString());
                m.put("metrics_csv", runDir.resolve("metrics.csv").toString());
            }
            return m;
        }
    }

    /** The summary on stdout, or with --json on stderr and the JSON object on stdout. */
    private void print(TrainResult result) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter text = json ? spec.commandLine().getErr() : out;
        text.print(result.summary());
        text.flush();
        if (json) {
            JsonOutput.print(out, result.json());
        }
    }

    /** Every range check of the options, once, after the layers have set them. */
    private void validate() {
        positive("--epochs", epochs);
        positive("--batch-size", batchSize);
        if (maxIterations < 0) {
            throw new UserInputException("--max-iterations must be >= 0 (0: no limit), got " + maxIterations);
        }
        if (clipGrad != null && clipValue != null) {
            throw new UserInputException("--clip-grad and --clip-value exclude each other; choose one");
        }
        if (clipGrad != null) {
            positive("--clip-grad", clipGrad);
        }
        if (clipValue != null) {
            positive("--clip-value", clipValue);
        }
        if (labelSmoothing != null && !(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new UserInputException("--label-smoothing must lie in [0, 1), got " + labelSmoothing);
        }
        if (loss != null) {
            try {
                Loss.Type.parse(loss);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--loss " + e.getMessage().replace("unknown loss ", ""));
            }
            if (labelSmoothing != null && labelSmoothing != 0 && Loss.Type.parse(loss) != Loss.Type.SOFTMAX_CROSS_ENTROPY) {
                throw new UserInputException("--label-smoothing applies to --loss cross-entropy only");
            }
        }
        if (earlyStop != null) {
            positive("--early-stop", earlyStop);
        }
        if (validateEvery != null) {
            positive("--validate-every", validateEvery);
        }
        if (checkpointEvery != null) {
            positive("--checkpoint-every", checkpointEvery);
        }
        if (workers != null) {
            positive("--workers", workers);
        }
        if (valSplit != null && !(valSplit > 0 && valSplit < 1)) {
            throw new UserInputException("--val-split must lie strictly between 0 and 1, got " + valSplit);
        }
        if (lr != null) {
            positive("--lr", lr);
        }
        if (momentum != null && !(momentum >= 0 && momentum < 1)) {
            throw new UserInputException("--momentum must lie in [0, 1), got " + momentum);
        }
        if (weightDecay != null && !(weightDecay >= 0)) {
            throw new UserInputException("--weight-decay must be >= 0, got " + weightDecay);
        }
        if (warmup != null && warmup < 0) {
            throw new UserInputException("--warmup must be >= 0 schedule steps, got " + warmup);
        }
        OptimizerType type = OptimizerType.parse(optimizer);
        if (momentum != null && momentum == 0 && (type == OptimizerType.MOMENTUM || type == OptimizerType.NESTEROV)) {
            throw new UserInputException("--momentum 0 with --optimizer " + optimizer + " would be plain SGD; use"
                    + " --optimizer sgd, or a momentum above 0");
        }
        float rate = optimizerSpec().learningRate();
        if (minLr > rate) {
            throw new UserInputException("--min-lr " + format(minLr) + " is above the learning rate " + rate
                    + "; the schedule anneals down to --min-lr, so it must not exceed --lr");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (backend.threads != null && backend.threads > cores) {
            LOG.warn("--threads {} is more than the {} cores of this machine; the extra threads only wait their turn",
                    backend.threads, cores);
        }
    }

    private int loaderWorkers() {
        return workers != null ? workers : DataLoader.defaultWorkers();
    }

    /** The training settings, for {@code trainSamples} images per epoch (the schedule's length follows them). */
    private TrainingConfig trainingConfig(int trainSamples) {
        TrainingConfig.Builder b = TrainingConfig.builder().epochs(epochs).batchSize(batchSize).seed(seed)
                .maxIterations(maxIterations).optimizer(optimizerSpec());
        if (clipGrad != null) {
            b.clipping(GradientClipping.byNorm(clipGrad.floatValue()));
        } else if (clipValue != null) {
            b.clipping(GradientClipping.byValue(clipValue.floatValue()));
        }
        if (labelSmoothing != null) {
            b.labelSmoothing(labelSmoothing.floatValue());
        }
        if (loss != null) {
            b.loss(Loss.Type.parse(loss));
        }
        if (validateEvery != null) {
            b.validateEvery(validateEvery);
        }
        TrainingConfig config = b.build();
        long batches = DataLoader.batchesPerEpoch(trainSamples, config.batchSize(), config.dropLast());
        return config.toBuilder().schedule(scheduleSpec(batches)).build();
    }

    private OptimizerSpec optimizerSpec() {
        OptimizerType type = OptimizerType.parse(optimizer);
        if (type == OptimizerType.SGD && momentum != null && momentum > 0) {
            // Caffe's and PyTorch's "SGD with momentum" is this framework's momentum optimizer.
            type = OptimizerType.MOMENTUM;
        }
        OptimizerSpec s = OptimizerSpec.defaults(type);
        if (lr != null) {
            s = s.withLearningRate(lr.floatValue());
        }
        if (momentum != null) {
            s = s.withMomentum(momentum.floatValue());
        }
        if (weightDecay != null) {
            s = s.withWeightDecay(weightDecay.floatValue());
        }
        return s;
    }

    private ScheduleSpec scheduleSpec(long batchesPerEpoch) {
        ScheduleType type = ScheduleType.parse(schedule);
        boolean smooth = type == ScheduleType.COSINE || type == ScheduleType.POLYNOMIAL;
        StepUnit unit = scheduleUnit != null ? StepUnit.parse(scheduleUnit) : smooth ? StepUnit.ITERATION : StepUnit.EPOCH;
        long warmupSteps = warmup == null ? 0 : warmup;
        long perEpoch = Math.max(1, batchesPerEpoch);
        long iterations = maxIterations > 0 ? Math.min(maxIterations, epochs * perEpoch) : epochs * perEpoch;
        long run = unit == StepUnit.EPOCH ? (iterations + perEpoch - 1) / perEpoch : iterations;
        if (warmupSteps >= run) {
            throw new UserInputException("--warmup " + warmupSteps + " is as long as the whole run (" + run + " "
                    + unit.toString().toLowerCase(Locale.ROOT) + "s); shorten it so the schedule has steps left");
        }
        // The whole run (to --max-iterations when that ends it first), less the warmup: the schedule
        // starts its own step 0 after the warmup.
        long total = totalSteps != null ? totalSteps : run - warmupSteps;
        ScheduleSpec s = switch (type) {
            case CONSTANT -> ScheduleSpec.constant();
            case STEP -> {
                if (stepSize == null) {
                    throw new UserInputException("--schedule step needs --step-size N (decay every N "
                            + unit.toString().toLowerCase(Locale.ROOT) + "s)");
                }
                yield ScheduleSpec.step(stepSize, gamma == null ? 0.1f : gamma.floatValue());
            }
            case MULTISTEP -> {
                if (milestones == null || milestones.isEmpty()) {
                    throw new UserInputException("--schedule multistep needs --milestones N,N,...");
                }
                yield ScheduleSpec.multiStep(milestones, gamma == null ? 0.1f : gamma.floatValue());
            }
            case EXPONENTIAL -> ScheduleSpec.exponential(gamma == null ? 0.95f : gamma.floatValue());
            case INVERSE_TIME -> ScheduleSpec.inverseTime(gamma == null ? 1e-4f : gamma.floatValue(),
                    power == null ? 0.75f : power.floatValue());
            case POLYNOMIAL -> ScheduleSpec.polynomial(total, power == null ? 1f : power.floatValue());
            case COSINE -> ScheduleSpec.cosine(total, minLr.floatValue());
        };
        s = s.per(unit);
        if (warmupSteps > 0) {
            s = s.withWarmup(warmupSteps, ScheduleSpec.DEFAULT_WARMUP_START_FACTOR);
        }
        return s;
    }

    /** The run's directory: given, the resumed checkpoint's, or a new one under runs/. */
    private Path runDirectory(String modelName) throws IOException {
        Path dir = checkpointDir != null ? checkpointDir
                : resume != null ? resume.toAbsolutePath().getParent() : null;
        if (dir == null) {
            return newRunDirectory(modelName);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserInputException("--checkpoint-dir " + dir + " is a file, not a folder; name a folder for the "
                    + "run's checkpoints, metrics and plot");
        }
        List<String> present = RUN_FILES.stream().filter(f -> Files.exists(dir.resolve(f))).toList();
        if (resume == null && !present.isEmpty()) {
            if (!overwrite) {
                throw new UserInputException("--checkpoint-dir " + dir + " already holds a run (" + String.join(", ",
                        present) + "); continue it with --resume " + dir.resolve("last.safetensors") + ", choose "
                        + "another folder, or pass --overwrite to replace it");
            }
            for (String f : present) {
                Files.delete(dir.resolve(f));
            }
            LOG.info("--overwrite: removed the previous run's {} from {}", String.join(", ", present), dir);
        }
        return dir;
    }

    private static Path newRunDirectory(String modelName) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = Path.of("runs", modelName + "-" + stamp);
        for (int i = 2; Files.exists(dir); i++) {
            dir = Path.of("runs", modelName + "-" + stamp + "-" + i);
        }
        return dir;
    }

    private static TrainResult result(Network network, String devices, Trainer trainer, List<EpochResult> epochs,
                                      EvaluationResult test, CheckpointSaver saver, Path runDir, double seconds) {
        long images = 0;
        double trainSeconds = 0;
        for (EpochResult r : epochs) {
            images += Math.round(r.imagesPerSecond() * r.seconds());
            trainSeconds += r.seconds();
        }
        EpochResult last = trainer.lastEpoch();
        double validation = last == null || last.validation() == null ? Double.NaN : last.validation().top1();
        return new TrainResult(trainer.modelName(), network.parameterCount(), devices, trainer.position().epoch(),
                trainer.iteration(), seconds, trainSeconds > 0 ? images / trainSeconds : Double.NaN,
                last == null ? Double.NaN : last.trainLoss(), last == null ? Double.NaN : last.trainAccuracy(),
                validation, saver.bestAccuracy(),
                test == null ? Double.NaN : test.loss(), test == null ? Double.NaN : test.top1(),
                test == null ? Double.NaN : test.top5(), saver.lastSaved(),
                Files.exists(saver.best()) ? saver.best() : null, runDir.resolve("metrics.csv"),
                runDir.resolve("training.png"), null);
    }

    private static void positive(String flag, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new UserInputException(flag + " must be a positive number, got " + format(v));
        }
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
