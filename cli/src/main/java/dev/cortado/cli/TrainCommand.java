package dev.cortado.cli;

import dev.cortado.backend.Backend;
import dev.cortado.data.Augmentation;
import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.DataLoader;
import dev.cortado.data.HorizontalFlip;
import dev.cortado.data.Normalize;
import dev.cortado.data.RandomCrop;
import dev.cortado.data.RandomRotation;
import dev.cortado.data.SampleShape;
import dev.cortado.models.NetworkSpecs;
import dev.cortado.nn.Network;
import dev.cortado.optim.GradientClipping;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.optim.ScheduleSpec;
import dev.cortado.optim.ScheduleType;
import dev.cortado.optim.StepUnit;
import dev.cortado.train.CheckpointSaver;
import dev.cortado.train.EarlyStopping;
import dev.cortado.train.EpochResult;
import dev.cortado.train.EvaluationResult;
import dev.cortado.train.Evaluator;
import dev.cortado.train.MetricsCsvLog;
import dev.cortado.train.Trainer;
import dev.cortado.train.TrainingCheckpoint;
import dev.cortado.train.TrainingConfig;
import dev.cortado.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    static final Set<String> PER_INVOCATION = Set.of("recipe", "resume", "init-weights", "json");

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Dataset directory (IDX, CIFAR binary or image folder). Default: $CORTADO_DATA or "
                    + "/usr/share/datasets/fashion-mnist.")
    Path data;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Force the data format: idx, cifar10, cifar100, "
            + "image-folder (detected from the files by default).")
    String format;

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
            description = "Training augmentations: crop (pad and random crop), flip, rotate (±15°). Default: ${DEFAULT-VALUE}.")
    List<String> augment;

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

    @Mixin
    BackendOptions backend;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "" + TrainingConfig.DEFAULT_SEED,
            description = "Seed of weights, data order, augmentation, dropout. Default: ${DEFAULT-VALUE}.")
    Long seed;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Where checkpoints, metrics.csv and training.png go. Default: runs/<model>-<time>.")
    Path checkpointDir;

    @Option(names = "--resume", paramLabel = "FILE", description = "Continue the run saved in this checkpoint.")
    Path resume;

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
        List<OptionLayers.Layer> layers = new ArrayList<>();
        if (recipe != null) {
            layers.add(TrainingRecipe.load(recipe));
        }
        OptionLayers.apply(spec, layers, PER_INVOCATION);
        validate();

        // The data first: the model's input size and number of classes follow it.
        TrainingInputs inputs = TrainingInputs.resolve(model.model, model.variables(), model.inputSize(),
                data != null ? data : DataDirectory.defaultDirectory(), format, valSplit, seed);
        TrainingConfig config = trainingConfig(inputs.train().size());
        AugmentationPipeline trainTransform = augmentation(augment, inputs.sampleShape(), inputs.normalize());
        AugmentationPipeline evalTransform = AugmentationPipeline.of(inputs.normalize());
        String modelName = inputs.model().name();
        Path runDir = runDirectory(modelName);

        try (Backend device = backend.open();
             Network network = Network.build(NetworkSpecs.from(inputs.model()), device, seed)) {
            int outputs = network.outputShape().intSize();
            if (outputs != inputs.fullTrain().numClasses()) {
                throw new UserInputException("model " + inputs.modelName() + " has " + outputs + " outputs but "
                        + inputs.fullTrain().description() + " has " + inputs.fullTrain().numClasses()
                        + " classes; pass --classes " + inputs.fullTrain().numClasses());
            }
            if (initWeights != null) {
                TrainingCheckpoint.loadWeights(initWeights, network);
                LOG.info("initialized the weights from {}", initWeights);
            }
            List<EpochResult> epochResults = new ArrayList<>();
            CheckpointSaver saver = new CheckpointSaver(runDir);
            Trainer.Builder builder = Trainer.builder(network, inputs.train()).config(config).modelName(modelName)
                    .validationData(inputs.validation()).trainTransform(trainTransform).evalTransform(evalTransform)
                    .listener(new ProgressDisplay(spec.commandLine().getErr(), System.console() != null, System::nanoTime))
                    .listener(new MetricsCsvLog(runDir.resolve("metrics.csv")))
                    .listener(new TrainingPlot(runDir.resolve("training.png"), modelName + " on "
                            + inputs.dataDirectory().getFileName()))
                    .listener(saver)
                    .listener(new TrainingListener() {
                        @Override
                        public void onEpochEnd(Trainer t, EpochResult r) {
                            epochResults.add(r);
                        }
                    });
            if (earlyStop != null) {
                builder.listener(new EarlyStopping(earlyStop, 0.0));
            }
            CheckpointModel.metadata(inputs.modelName(), inputs.variables(), inputs.model(), inputs.normalize(),
                    inputs.classNames(), inputs.dataDirectory()).forEach(builder::metadata);
            try (Trainer trainer = builder.build()) {
                if (resume != null) {
                    if (!Files.isRegularFile(resume)) {
                        throw new UserInputException(resume + ": no such checkpoint to resume from");
                    }
                    trainer.resume(resume);
                }
                LOG.info("training {} ({} parameters) on {} ({} training images{}) with {}; run directory {}",
                        modelName, String.format(Locale.ROOT, "%,d", network.parameterCount()),
                        inputs.dataDirectory(), inputs.train().size(), inputs.validation() == null ? ""
                                : ", " + inputs.validation().size() + " validation", device.name(), runDir);
                long start = System.nanoTime();
                trainer.fit();
                double seconds = (System.nanoTime() - start) / 1e9;

                EvaluationResult testResult = null;
                EpochResult last = trainer.lastEpoch();
                if (inputs.test() != null) {
                    // The last epoch's validation already was the test split, at the same weights.
                    testResult = !inputs.validatesOnHoldOut() && last != null && last.validation() != null
                            && trainer.position().batch() == 0
                            ? last.validation() : Evaluator.evaluate(network, inputs.test(), batchSize, evalTransform);
                }
                TrainResult result = result(network, device, trainer, epochResults, testResult, saver, runDir, seconds);
                print(result);
            }
        }
        return ExitCodes.OK;
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
        if (earlyStop != null) {
            positive("--early-stop", earlyStop);
        }
        if (validateEvery != null) {
            positive("--validate-every", validateEvery);
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
        if (momentum != null && (momentum > 0 || type != OptimizerType.MOMENTUM && type != OptimizerType.NESTEROV)) {
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
        long total;
        if (totalSteps != null) {
            total = totalSteps;
        } else {
            // The whole run, less the warmup: the schedule starts its own step 0 after the warmup.
            long run = unit == StepUnit.EPOCH ? epochs : epochs * Math.max(1, batchesPerEpoch);
            total = Math.max(1, run - warmupSteps);
        }
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

    /** The named augmentations in a fixed order (geometry first), then normalization. */
    static AugmentationPipeline augmentation(List<String> names, SampleShape shape, Normalize normalize) {
        List<Augmentation> steps = new ArrayList<>();
        for (String raw : names) {
            String name = raw.strip().toLowerCase(Locale.ROOT);
            switch (name) {
                case "crop" -> steps.add(new RandomCrop(shape.height(), shape.width(),
                        Math.max(1, Math.min(shape.height(), shape.width()) / 8)));
                case "flip" -> steps.add(HorizontalFlip.half());
                case "rotate" -> steps.add(RandomRotation.upTo(15));
                case "none", "" -> { }
                default -> throw new UserInputException("--augment: unknown augmentation '" + raw
                        + "'; known: crop, flip, rotate");
            }
        }
        steps.add(normalize);
        return AugmentationPipeline.of(steps);
    }

    private Path runDirectory(String modelName) {
        if (checkpointDir != null) {
            return checkpointDir;
        }
        if (resume != null && resume.toAbsolutePath().getParent() != null) {
            return resume.toAbsolutePath().getParent();
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = Path.of("runs", modelName + "-" + stamp);
        for (int i = 2; Files.exists(dir); i++) {
            dir = Path.of("runs", modelName + "-" + stamp + "-" + i);
        }
        return dir;
    }

    private static TrainResult result(Network network, Backend device, Trainer trainer, List<EpochResult> epochs,
                                      EvaluationResult test, CheckpointSaver saver, Path runDir, double seconds) {
        long images = 0;
        double trainSeconds = 0;
        for (EpochResult r : epochs) {
            images += Math.round(r.imagesPerSecond() * r.seconds());
            trainSeconds += r.seconds();
        }
        EpochResult last = trainer.lastEpoch();
        double validation = last == null || last.validation() == null ? Double.NaN : last.validation().top1();
        return new TrainResult(trainer.modelName(), network.parameterCount(), device.name(), trainer.position().epoch(),
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
