package dev.cortado.cli;

import dev.cortado.backend.Backend;
import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.TestTimeAugmentation;
import dev.cortado.data.Dataset;
import dev.cortado.data.DatasetFormat;
import dev.cortado.data.DatasetSplits;
import dev.cortado.data.ImageFolderDataset;
import dev.cortado.data.RelabeledDataset;
import dev.cortado.data.SampleShape;
import dev.cortado.models.PretrainedWeights;
import dev.cortado.nn.Network;
import dev.cortado.train.ClassifierHead;
import dev.cortado.train.EvaluationResult;
import dev.cortado.train.Evaluator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** {@code cortado evaluate}: loss, top-1, top-5, per-class accuracy and the confusion matrix of a checkpoint. */
@Command(name = "evaluate", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint on a dataset's test split, or on a folder of class subfolders: loss, "
                + "top-1, top-5, per-class accuracy, confusion matrix. Classes are matched to the model's by name.")
final class EvaluateCommand implements Callable<Integer> {
    private static final Logger LOG = LogManager.getLogger(EvaluateCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A checkpoint"
            + " of 'cortado train', or a torchvision state dict saved as safetensors (resnet18, resnet50, vgg16,"
            + " vgg16_bn, googlenet).")
    Path checkpoint;

    @Option(names = "--data", paramLabel = "DIR|NAME", description = "Dataset directory: its test split, or all images"
            + " of a folder of class subfolders; or a dataset's name (fashion-mnist, mnist, cifar10), found or"
            + " downloaded as by train. Default: the one it was trained on.")
    Path data;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Force the data format.")
    String format;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "256", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Mixin
    BackendOptions backend;

    @Option(names = "--tta", description = "Test-time augmentation: average each image's prediction with its mirror"
            + " image's (for models trained with --augment flip; it hurts others, e.g. shoes facing one way).")
    boolean tta;

    @Option(names = "--json", description = "Print one JSON object with the results on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1) {
            throw new UserInputException("--batch-size must be at least 1, got " + batchSize);
        }
        CheckpointModel saved = CheckpointModel.read(checkpoint);
        Path dir = data != null ? DatasetLocator.fromEnvironment().locate(data, true, spec.commandLine().getErr())
                : saved.dataDirectory() != null ? Path.of(saved.dataDirectory()) : null;
        if (dir == null) {
            throw new UserInputException("the checkpoint does not record its data directory; pass --data DIR");
        }
        Dataset test = openTest(dir, format, saved);
        try (Backend device = backend.open();
             Network network = Network.build(saved.network(), device, 0)) {
            ClassifierHead.requireFits(network, saved.classNames().size());
            PretrainedWeights.load(checkpoint, network, saved.model());
            List<Integer> in = saved.network().inputShape();
            AugmentationPipeline normalize = Augmentations.evaluation(test.sampleShape(),
                    new SampleShape(in.get(0), in.get(1), in.get(2)), saved.normalize());
            EvaluationResult r = tta
                    ? Evaluator.evaluate(network, test, batchSize, normalize, TestTimeAugmentation.identityAndFlip())
                    : Evaluator.evaluate(network, test, batchSize, normalize);
            List<String> names = test.classNames();
            PrintWriter text = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
            text.print(report(r, names, test.description()));
            text.flush();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("test_accuracy", r.top1());
                m.put("test_loss", r.loss());
                m.put("test_top5", r.top5());
                m.put("samples", r.samples());
                Map<String, Object> perClass = new LinkedHashMap<>();
                double[] acc = r.perClassAccuracy();
                for (int c = 0; c < acc.length; c++) {
                    perClass.put(c < names.size() ? names.get(c) : Integer.toString(c), acc[c]);
                }
                m.put("per_class_accuracy", perClass);
                List<List<Long>> confusion = new ArrayList<>();
                for (long[] row : r.confusion()) {
                    List<Long> l = new ArrayList<>();
                    for (long v : row) {
                        l.add(v);
                    }
                    confusion.add(l);
                }
                m.put("confusion", confusion);
                m.put("backend", device.name());
                JsonOutput.print(spec.commandLine().getOut(), m);
            }
        }
        return ExitCodes.OK;
    }

    /**
     * The data of {@code dir} to evaluate on, checked against the model the checkpoint holds and with
     * its labels in the model's class order: the test split of IDX and CIFAR data and of a directory of
     * packs; a pack file whole; for an image folder, its {@code test/} split or, without one, all its images.
     */
    static Dataset openTest(Path dir, String format, CheckpointModel saved) throws Exception {
        DatasetFormat f = DataDirectory.format(dir, format);
        List<Integer> in = saved.network().inputShape();
        SampleShape shape = new SampleShape(in.get(0), in.get(1), in.get(2));
        List<String> classes = saved.classNames();
        Dataset test;
        if (f == DatasetFormat.IMAGE_FOLDER) {
            // Folders are matched to the model's classes by name, so a test set may lack a class.
            ImageFolderDataset folder = DataDirectory.openForEvaluation(dir, shape,
                    RelabeledDataset.named(classes) ? classes : null);
            Path trainedOn = saved.dataDirectory() == null ? null : Path.of(saved.dataDirectory()).toAbsolutePath();
            if (folder.root().equals(dir) && trainedOn != null
                    && trainedOn.normalize().equals(dir.toAbsolutePath().normalize())) {
                LOG.warn("{} is the folder the model was trained on and has no test/ split: these are scores on its "
                        + "training images; pass --data with held-out images", dir);
            }
            test = folder;
        } else {
            DatasetSplits splits = DataDirectory.open(dir, f, shape);
            // A single pack file is what to evaluate on; a directory of packs has its test.cpack.
            test = splits.test().orElse(f == DatasetFormat.PACKED && !Files.isDirectory(dir) ? splits.train() : null);
            if (test == null) {
                throw new UserInputException(dir + " has no test split to evaluate on");
            }
        }
        SampleShape s = test.sampleShape();
        // A pack may hold larger samples than the model takes; they are centre-cropped, as in training.
        boolean crops = f == DatasetFormat.PACKED && s.height() >= in.get(1) && s.width() >= in.get(2);
        if (s.channels() != in.get(0) || !crops && (s.height() != in.get(1) || s.width() != in.get(2))) {
            throw new UserInputException(test.description() + " has " + s + " images but the checkpoint's model takes "
                    + in.get(0) + "×" + in.get(1) + "×" + in.get(2) + "; evaluate it on data like its training data");
        }
        return inModelOrder(test, classes);
    }

    /**
     * {@code test} with its labels mapped by class name onto the model's {@code classes} where both
     * name their classes; where one side has only numerals, the labels are taken as they are, with a
     * warning, provided the counts agree.
     */
    static Dataset inModelOrder(Dataset test, List<String> classes) {
        boolean dataNamed = RelabeledDataset.named(test.classNames());
        boolean modelNamed = RelabeledDataset.named(classes);
        if (dataNamed && modelNamed) {
            try {
                return RelabeledDataset.byClassName(test, classes);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(test.description() + ": " + e.getMessage() + " (the checkpoint's model "
                        + "was trained on " + classes + "); evaluate it on data of the classes it was trained on");
            }
        }
        if (test.numClasses() != classes.size()) {
            throw new UserInputException(test.description() + " has " + test.numClasses() + " classes but the "
                    + "checkpoint's model was trained on " + classes.size() + "; evaluate it on data of the classes "
                    + "it was trained on");
        }
        if (!dataNamed && modelNamed) {
            LOG.warn("{} has no class names; its labels 0..{} are taken to be the model's classes in training order: "
                    + "{}", test.description(), classes.size() - 1, String.join(", ", classes));
        } else if (dataNamed) {
            LOG.warn("the checkpoint's model has no class names (its training data had none); the classes of {} are "
                    + "taken in their label order: {}", test.description(), String.join(", ", test.classNames()));
        }
        return test;
    }

    static String report(EvaluationResult r, List<String> names, String description) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s: %,d images%n", description, r.samples()));
        b.append(String.format(Locale.ROOT, "loss %.4f  top-1 %.2f%%  top-5 %.2f%%%n%n", r.loss(), 100 * r.top1(),
                100 * r.top5()));
        int width = 5;
        for (String n : names) {
            width = Math.max(width, n.length());
        }
        b.append(String.format(Locale.ROOT, "%-" + width + "s  accuracy%n", "class"));
        double[] acc = r.perClassAccuracy();
        for (int c = 0; c < acc.length; c++) {
            // A class without test samples has no accuracy: "n/a" here, null in the JSON.
            String value = Double.isNaN(acc[c]) ? String.format(Locale.ROOT, "%8s", "n/a")
                    : String.format(Locale.ROOT, "%7.2f%%", 100 * acc[c]);
            b.append(String.format(Locale.ROOT, "%-" + width + "s  %s%n", c < names.size() ? names.get(c) : c, value));
        }
        b.append(System.lineSeparator()).append("confusion matrix (rows: true class, columns: predicted)")
                .append(System.lineSeparator());
        long[][] m = r.confusion();
        int cell = 4;
        for (long[] row : m) {
            for (long v : row) {
                cell = Math.max(cell, Long.toString(v).length());
            }
        }
        b.append(" ".repeat(width));
        for (int c = 0; c < m.length; c++) {
            b.append(String.format(Locale.ROOT, " %" + cell + "d", c));
        }
        b.append(System.lineSeparator());
        for (int t = 0; t < m.length; t++) {
            b.append(String.format(Locale.ROOT, "%-" + width + "s", t < names.size() ? names.get(t) : t));
            for (long v : m[t]) {
                b.append(String.format(Locale.ROOT, " %" + cell + "d", v));
            }
            b.append(System.lineSeparator());
        }
        return b.toString();
    }
}
