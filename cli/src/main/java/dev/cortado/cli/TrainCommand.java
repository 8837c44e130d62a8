package dev.cortado.cli;

import dev.cortado.backend.Backend;
import dev.cortado.data.Augmentation;
import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.Dataset;
import dev.cortado.data.DatasetFormat;
import dev.cortado.data.DatasetSplits;
import dev.cortado.data.HorizontalFlip;
import dev.cortado.data.Normalize;
import dev.cortado.data.RandomCrop;
import dev.cortado.data.RandomRotation;
import dev.cortado.data.SampleShape;
import dev.cortado.data.TrainValidationSplit;
import dev.cortado.models.ConfigException;
import dev.cortado.models.ModelConfig;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs to train. Default: 5.")
    Integer epochs;

    @Option(names = "--max-iterations", paramLabel = "N", description = "Stop after N iterations (0: no limit).")
    Long maxIterations;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size. Default: 64.")
    Integer batchSize;

    @Option(names = "--optimizer", paramLabel = "NAME",
            description = "sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam, adamw. Default: adam.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate. Default: the optimizer's (adam 1e-3).")
    Double lr;

    @Option(names = "--momentum", paramLabel = "M", description = "Momentum (sgd with momentum > 0 becomes momentum).")
    Double momentum;

    @Option(names = "--weight-decay", paramLabel = "L2", description = "Weight decay (decoupled for adamw).")
    Double weightDecay;

    @Option(names = "--schedule", paramLabel = "NAME",
            description = "constant, step, multistep, exponential, inverse_time, polynomial, cosine. Default: cosine"
                    + " (annealed to 0 over the run).")
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

    @Option(names = "--min-lr", paramLabel = "RATE", description = "cosine: the final rate. Default: 0.")
    Double minLr;

    @Option(names = "--power", paramLabel = "P", description = "polynomial (1.0) and inverse_time (0.75) exponent.")
    Double power;

    @Option(names = "--total-steps", paramLabel = "N",
            description = "polynomial, cosine: schedule length. Default: the whole run.")
    Long totalSteps;

    @Option(names = "--warmup", paramLabel = "N", description = "Linear warm-up over N schedule steps.")
    Long warmup;

    @Option(names = "--augment", paramLabel = "LIST", split = ",",
            description = "Training augmentations: crop (pad and random crop), flip, rotate (±15°).")
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

    @Option(names = "--seed", paramLabel = "N", description = "Seed of weights, data order, augmentation, dropout. "
            + "Default: 42.")
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
    String recipeFile;

    @Option(names = "--json", description = "Print one JSON object with the results on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TrainingRecipe recipe = recipeFile == null ? TrainingRecipe.empty() : TrainingRecipe.load(recipeFile);

        String modelName = pick(model.model, recipe.string("model"), "lenet5");
        Path dataDir = data != null ? data : recipe.string("data") != null ? Path.of(recipe.string("data"))
                : DataDirectory.defaultDirectory();
        Map<String, String> vars = new LinkedHashMap<>();
        if (recipe.map("set") != null) {
            vars.putAll(recipe.map("set"));
        }
        vars.putAll(model.variables());
        Integer classes = model.classes != null ? model.classes : recipe.integer("classes");
        if (classes != null) {
            if (classes < 1) {
                throw new UserInputException("--classes must be at least 1, got " + classes);
            }
            vars.put("classes", Integer.toString(classes));
        }
        int[] size = ModelOptions.parseInputSize(pick(model.inputSize, recipe.string("input-size"), null));
        long runSeed = pick(seed, recipe.longValue("seed"), 42L);

        // Built now so that a bad flag fails before the data is read; the schedule's length in
        // iterations is known only with the data, below.
        TrainingConfig config = trainingConfig(recipe, runSeed, 0);

        // The data first: the model's input size and number of classes follow it.
        ModelConfig declared = ModelOptions.load(modelName, vars, null);
        DatasetFormat dataFormat = DataDirectory.format(dataDir, pick(format, recipe.string("format"), null));
        int channels = declared.input().get(0);
        SampleShape imageShape = new SampleShape(channels, size != null ? size[0] : declared.input().get(1),
                size != null ? size[1] : declared.input().get(2));
        DatasetSplits splits = DataDirectory.open(dataDir, dataFormat, imageShape);
        Dataset fullTrain = splits.train();
        SampleShape dataShape = fullTrain.sampleShape();
        if (dataShape.channels() != channels) {
            throw new UserInputException("model " + modelName + " takes " + channels + "-channel input, but "
                    + fullTrain.description() + " has " + dataShape.channels() + "-channel images; choose a model for "
                    + dataShape.channels() + "-channel data or a config whose input is [" + dataShape.channels()
                    + ", H, W]");
        }
        if (dataFormat != DatasetFormat.IMAGE_FOLDER) {
            if (size != null && (size[0] != dataShape.height() || size[1] != dataShape.width())) {
                throw new UserInputException("--input-size " + size[0] + "x" + size[1] + ": " + fullTrain.description()
                        + " has fixed " + dataShape.height() + "x" + dataShape.width() + " images; leave --input-size "
                        + "out (the model takes the data's size) or use an image folder, which is resized");
            }
            size = new int[] {dataShape.height(), dataShape.width()};
        }
        if (classes == null && !vars.containsKey("classes")) {
            vars.put("classes", Integer.toString(fullTrain.numClasses()));
            try {
                ModelOptions.load(modelName, vars, size);
            } catch (ConfigException e) {
                if (!e.getMessage().contains("no variable 'classes'")) {
                    throw e;
                }
                vars.remove("classes");
            }
        }
        ModelConfig modelConfig = ModelOptions.load(modelName, vars, size);
        if (!modelConfig.input().equals(declared.input())) {
            LOG.info("model {}: input {} instead of the config's {}, to fit the data", modelConfig.name(),
                    modelConfig.input(), declared.input());
        }

        Dataset trainData = fullTrain;
        Dataset validation = splits.test().orElse(null);
        Dataset test = splits.test().orElse(null);
        Double split = pick(valSplit, recipe.number("val-split"), null);
        if (split != null) {
            TrainValidationSplit parts = TrainValidationSplit.split(fullTrain, split, runSeed);
            trainData = parts.train();
            validation = parts.validation();
        }
        config = trainingConfig(recipe, runSeed, batchesPerEpoch(trainData.size(), config));
        Normalize normalize = DataDirectory.normalizeFor(dataFormat, fullTrain);
        AugmentationPipeline trainTransform = augmentation(pick(augment, recipe.list("augment"), List.of()),
                dataShape, normalize);
        AugmentationPipeline evalTransform = AugmentationPipeline.of(normalize);
        Path runDir = runDirectory(recipe, modelConfig.name());

        try (Backend device = BackendOptions.open(pick(backend.backend, recipe.string("backend"), "auto"),
                pick(backend.threads, recipe.integer("threads"), null),
                pick(backend.deterministic, recipe.bool("deterministic"), false),
                pick(backend.tf32, recipe.bool("tf32"), false));
             Network network = Network.build(NetworkSpecs.from(modelConfig), device, runSeed)) {
            int outputs = network.outputShape().intSize();
            if (outputs != fullTrain.numClasses()) {
                throw new UserInputException("model " + modelName + " has " + outputs + " outputs but "
                        + fullTrain.description() + " has " + fullTrain.numClasses() + " classes; pass --classes "
                        + fullTrain.numClasses());
            }
            if (initWeights != null) {
                TrainingCheckpoint.loadWeights(initWeights, network);
                LOG.info("initialized the weights from {}", initWeights);
            }
            List<EpochResult> epochResults = new ArrayList<>();
            CheckpointSaver saver = new CheckpointSaver(runDir);
            Trainer.Builder builder = Trainer.builder(network, trainData).config(config).modelName(modelConfig.name())
                    .validationData(validation).trainTransform(trainTransform).evalTransform(evalTransform)
                    .listener(new ProgressDisplay(err, System.console() != null, System::nanoTime))
                    .listener(new MetricsCsvLog(runDir.resolve("metrics.csv")))
                    .listener(new TrainingPlot(runDir.resolve("training.png"), modelConfig.name() + " on "
                            + dataDir.getFileName()))
                    .listener(saver)
                    .listener(new TrainingListener() {
                        @Override
                        public void onEpochEnd(Trainer t, EpochResult r) {
                            epochResults.add(r);
                        }
                    });
            Integer patience = pick(earlyStop, recipe.integer("early-stop"), null);
            if (patience != null) {
                builder.listener(new EarlyStopping(patience, 0.0));
            }
            CheckpointModel.metadata(modelName, vars, modelConfig, normalize, fullTrain.classNames(), dataDir)
                    .forEach(builder::metadata);
            try (Trainer trainer = builder.build()) {
                if (resume != null) {
                    if (!Files.isRegularFile(resume)) {
                        throw new UserInputException(resume + ": no such checkpoint to resume from");
                    }
                    trainer.resume(resume);
                }
                LOG.info("training {} ({} parameters) on {} ({} training images{}) with {}; run directory {}",
                        modelConfig.name(), String.format(Locale.ROOT, "%,d", network.parameterCount()),
                        dataDir, trainData.size(), validation == null ? "" : ", " + validation.size() + " validation",
                        device.name(), runDir);
                long start = System.nanoTime();
                trainer.fit();
                double seconds = (System.nanoTime() - start) / 1e9;

                EvaluationResult testResult = null;
                EpochResult last = trainer.lastEpoch();
                if (test != null) {
                    testResult = split == null && last != null && last.validation() != null && trainer.position().batch() == 0
                            ? last.validation() : Evaluator.evaluate(network, test, config.batchSize(), evalTransform);
                }
                Map<String, Object> result = result(modelConfig, network, device, trainer, epochResults, testResult,
                        saver, runDir, seconds);
                PrintWriter text = json ? err : out;
                text.print(summaryText(result));
                text.flush();
                if (json) {
                    JsonOutput.print(out, result);
                }
            }
        }
        return ExitCodes.OK;
    }

    private static long batchesPerEpoch(int samples, TrainingConfig config) {
        return config.dropLast() ? samples / config.batchSize() : (samples + config.batchSize() - 1) / config.batchSize();
    }

    /** The training settings; {@code batchesPerEpoch} is 0 until the data is known. */
    private TrainingConfig trainingConfig(TrainingRecipe recipe, long runSeed, long batchesPerEpoch) {
        int n = pick(epochs, recipe.integer("epochs"), 5);
        positive("--epochs", n);
        int batch = pick(batchSize, recipe.integer("batch-size"), 64);
        positive("--batch-size", batch);
        long maxIter = pick(maxIterations, recipe.longValue("max-iterations"), 0L);
        if (maxIter < 0) {
            throw new UserInputException("--max-iterations must be >= 0 (0: no limit), got " + maxIter);
        }
        TrainingConfig.Builder b = TrainingConfig.builder().epochs(n).batchSize(batch).seed(runSeed)
                .maxIterations(maxIter).optimizer(optimizerSpec(recipe)).schedule(scheduleSpec(recipe, n, batchesPerEpoch));
        Double clipNorm = pick(clipGrad, recipe.number("clip-grad"), null);
        Double clipVal = pick(clipValue, recipe.number("clip-value"), null);
        if (clipNorm != null && clipVal != null) {
            throw new UserInputException("--clip-grad and --clip-value exclude each other; choose one");
        }
        if (clipNorm != null) {
            positive("--clip-grad", clipNorm);
            b.clipping(GradientClipping.byNorm(clipNorm.floatValue()));
        } else if (clipVal != null) {
            positive("--clip-value", clipVal);
            b.clipping(GradientClipping.byValue(clipVal.floatValue()));
        }
        Double smoothing = pick(labelSmoothing, recipe.number("label-smoothing"), null);
        if (smoothing != null) {
            if (!(smoothing >= 0 && smoothing < 1)) {
                throw new UserInputException("--label-smoothing must lie in [0, 1), got " + smoothing);
            }
            b.labelSmoothing(smoothing.floatValue());
        }
        Integer patience = pick(earlyStop, recipe.integer("early-stop"), null);
        if (patience != null) {
            positive("--early-stop", patience);
        }
        Long every = pick(validateEvery, recipe.longValue("validate-every"), null);
        if (every != null) {
            positive("--validate-every", every);
            b.validateEvery(every);
        }
        Double split = pick(valSplit, recipe.number("val-split"), null);
        if (split != null && !(split > 0 && split < 1)) {
            throw new UserInputException("--val-split must lie strictly between 0 and 1, got " + split);
        }
        return b.build();
    }

    private OptimizerSpec optimizerSpec(TrainingRecipe recipe) {
        OptimizerType type = OptimizerType.parse(pick(optimizer, recipe.string("optimizer"), "adam"));
        Double rate = pick(lr, recipe.number("lr"), null);
        Double m = pick(momentum, recipe.number("momentum"), null);
        Double decay = pick(weightDecay, recipe.number("weight-decay"), null);
        if (type == OptimizerType.SGD && m != null && m > 0) {
            // Caffe's and PyTorch's "SGD with momentum" is this framework's momentum optimizer.
            type = OptimizerType.MOMENTUM;
        }
        OptimizerSpec s = OptimizerSpec.defaults(type);
        if (rate != null) {
            positive("--lr", rate);
            s = s.withLearningRate(rate.floatValue());
        }
        if (m != null) {
            if (!(m >= 0 && m < 1)) {
                throw new UserInputException("--momentum must lie in [0, 1), got " + m);
            }
            if (m > 0 || type != OptimizerType.MOMENTUM && type != OptimizerType.NESTEROV) {
                s = s.withMomentum(m.floatValue());
            }
        }
        if (decay != null) {
            if (!(decay >= 0)) {
                throw new UserInputException("--weight-decay must be >= 0, got " + decay);
            }
            s = s.withWeightDecay(decay.floatValue());
        }
        return s;
    }

    private ScheduleSpec scheduleSpec(TrainingRecipe recipe, int runEpochs, long batchesPerEpoch) {
        ScheduleType type = ScheduleType.parse(pick(schedule, recipe.string("schedule"), "cosine"));
        boolean smooth = type == ScheduleType.COSINE || type == ScheduleType.POLYNOMIAL;
        StepUnit unit = StepUnit.parse(pick(scheduleUnit, recipe.string("schedule-unit"), smooth ? "iteration" : "epoch"));
        Double g = pick(gamma, recipe.number("gamma"), null);
        Double p = pick(power, recipe.number("power"), null);
        Long total = pick(totalSteps, recipe.longValue("total-steps"), null);
        Long w = pick(warmup, recipe.longValue("warmup"), null);
        if (total == null) {
            // The whole run, less the warmup: the schedule starts its own step 0 after the warmup.
            long run = unit == StepUnit.EPOCH ? runEpochs : runEpochs * Math.max(1, batchesPerEpoch);
            total = Math.max(1, run - (w == null ? 0 : w));
        }
        ScheduleSpec s = switch (type) {
            case CONSTANT -> ScheduleSpec.constant();
            case STEP -> {
                Long n = pick(stepSize, recipe.longValue("step-size"), null);
                if (n == null) {
                    throw new UserInputException("--schedule step needs --step-size N (decay every N "
                            + unit.toString().toLowerCase(Locale.ROOT) + "s)");
                }
                yield ScheduleSpec.step(n, g == null ? 0.1f : g.floatValue());
            }
            case MULTISTEP -> {
                List<Long> m = pick(milestones, recipe.longs("milestones"), null);
                if (m == null || m.isEmpty()) {
                    throw new UserInputException("--schedule multistep needs --milestones N,N,...");
                }
                yield ScheduleSpec.multiStep(m, g == null ? 0.1f : g.floatValue());
            }
            case EXPONENTIAL -> ScheduleSpec.exponential(g == null ? 0.95f : g.floatValue());
            case INVERSE_TIME -> ScheduleSpec.inverseTime(g == null ? 1e-4f : g.floatValue(),
                    p == null ? 0.75f : p.floatValue());
            case POLYNOMIAL -> ScheduleSpec.polynomial(total, p == null ? 1f : p.floatValue());
            case COSINE -> {
                Double min = pick(minLr, recipe.number("min-lr"), 0.0);
                yield ScheduleSpec.cosine(total, min.floatValue());
            }
        };
        s = s.per(unit);
        if (w != null && w > 0) {
            s = s.withWarmup(w, ScheduleSpec.DEFAULT_WARMUP_START_FACTOR);
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

    private Path runDirectory(TrainingRecipe recipe, String modelName) {
        if (checkpointDir != null) {
            return checkpointDir;
        }
        if (recipe.string("checkpoint-dir") != null) {
            return Path.of(recipe.string("checkpoint-dir"));
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

    private static Map<String, Object> result(ModelConfig config, Network network, Backend device, Trainer trainer,
                                              List<EpochResult> epochs, EvaluationResult test, CheckpointSaver saver,
                                              Path runDir, double seconds) {
        long images = 0;
        double trainSeconds = 0;
        for (EpochResult r : epochs) {
            images += Math.round(r.imagesPerSecond() * r.seconds());
            trainSeconds += r.seconds();
        }
        EpochResult last = trainer.lastEpoch();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", config.name());
        m.put("test_accuracy", test == null ? Double.NaN : test.top1());
        m.put("test_top5", test == null ? Double.NaN : test.top5());
        m.put("test_loss", test == null ? Double.NaN : test.loss());
        m.put("train_loss", last == null ? Double.NaN : last.trainLoss());
        m.put("train_accuracy", last == null ? Double.NaN : last.trainAccuracy());
        m.put("train_images_per_second", trainSeconds > 0 ? images / trainSeconds : Double.NaN);
        m.put("epochs", trainer.position().epoch());
        m.put("iterations", trainer.iteration());
        m.put("seconds", seconds);
        m.put("backend", device.name());
        m.put("parameters", network.parameterCount());
        m.put("checkpoint", saver.lastSaved() == null ? null : saver.lastSaved().toString());
        m.put("best_checkpoint", Files.exists(saver.best()) ? saver.best().toString() : null);
        m.put("metrics_csv", runDir.resolve("metrics.csv").toString());
        m.put("plot", runDir.resolve("training.png").toString());
        return m;
    }

    static String summaryText(Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s: %,d parameters, %d epochs (%d iterations) in %.1f s on %s, %,.0f "
                        + "training img/s%n", r.get("model"), (Long) r.get("parameters"), (Integer) r.get("epochs"),
                (Long) r.get("iterations"), (Double) r.get("seconds"), r.get("backend"),
                (Double) r.get("train_images_per_second")));
        double acc = (Double) r.get("test_accuracy");
        if (Double.isFinite(acc)) {
            b.append(String.format(Locale.ROOT, "test: loss %.4f, top-1 %.2f%%, top-5 %.2f%%%n",
                    (Double) r.get("test_loss"), 100 * acc, 100 * (Double) r.get("test_top5")));
        } else {
            b.append("test: the data has no test split\n");
        }
        b.append("checkpoint: ").append(r.get("checkpoint"));
        if (r.get("best_checkpoint") != null) {
            b.append(" (best validation accuracy: ").append(r.get("best_checkpoint")).append(')');
        }
        b.append(System.lineSeparator());
        b.append("metrics: ").append(r.get("metrics_csv")).append(", plot: ").append(r.get("plot"))
                .append(System.lineSeparator());
        return b.toString();
    }

    private static void positive(String flag, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new UserInputException(flag + " must be a positive number, got " + format(v));
        }
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static <T> T pick(T flag, T recipe, T fallback) {
        return flag != null ? flag : recipe != null ? recipe : fallback;
    }
}
