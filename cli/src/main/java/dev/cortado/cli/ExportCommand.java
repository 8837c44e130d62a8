package dev.cortado.cli;

import dev.cortado.backend.Backend;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.json.Json;
import dev.cortado.models.PretrainedWeights;
import dev.cortado.nn.Network;
import dev.cortado.onnx.OnnxExportOptions;
import dev.cortado.onnx.OnnxExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cortado export}: a checkpoint as an ONNX model for inference, with what a user of the file
 * needs to feed it as metadata properties: the input's name and shape, the normalization and the
 * class names.
 */
@Command(name = "export", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Export a checkpoint as an ONNX model for inference (ONNX Runtime, TensorRT, ...).")
final class ExportCommand implements Callable<Integer> {
    /** The metadata properties every exported file carries. */
    static final String MODEL = "model";
    static final String INPUT_NAME = "input_name";
    static final String INPUT_SHAPE = "input_shape";
    static final String NORMALIZE_MEAN = "normalize_mean";
    static final String NORMALIZE_STD = "normalize_std";
    static final String CLASS_NAMES = "class_names";

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A checkpoint of"
            + " 'cortado train', or a torchvision state dict saved as safetensors (resnet18, resnet50, vgg16,"
            + " vgg16_bn, googlenet).")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The ONNX file to write.")
    Path out;

    @Option(names = "--opset", paramLabel = "N", defaultValue = "" + OnnxExportOptions.DEFAULT_OPSET,
            description = "ONNX opset, " + OnnxExportOptions.MIN_OPSET + " to " + OnnxExportOptions.MAX_OPSET
                    + ". Default: ${DEFAULT-VALUE}.")
    int opset;

    @Option(names = "--batch", paramLabel = "N|dynamic", defaultValue = "dynamic",
            description = "The batch dimension: a fixed size, or 'dynamic' (a symbolic N). Default: ${DEFAULT-VALUE}.")
    String batch;

    @Override
    public Integer call() throws Exception {
        int batchSize = batchSize(batch);
        OnnxExportOptions options;
        try {
            options = new OnnxExportOptions(opset, batchSize, Map.of());
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--opset " + opset + ": " + e.getMessage());
        }
        if (out.getParent() != null && !Files.isDirectory(out.toAbsolutePath().getParent())) {
            throw new UserInputException("--out " + out + ": no such folder " + out.toAbsolutePath().getParent());
        }
        CheckpointModel saved = CheckpointModel.read(checkpoint);
        options = options.withMetadata(metadata(saved));
        try (Backend cpu = new CpuBackend(Runtime.getRuntime().availableProcessors());
             Network network = Network.build(saved.network(), cpu, 0)) {
            PretrainedWeights.load(checkpoint, network, saved.model());
            OnnxExporter.write(network, options, out);
            String n = batchSize == OnnxExportOptions.DYNAMIC_BATCH ? "N" : Integer.toString(batchSize);
            spec.commandLine().getOut().printf(Locale.ROOT, "%s: %s, opset %d, input '%s' [%s, %s], output '%s' [%s, %s]%n",
                    out, saved.model(), opset, OnnxExporter.INPUT, n, join(network.inputShape().dims()),
                    OnnxExporter.OUTPUT, n, join(network.outputShape().dims()));
        }
        return ExitCodes.OK;
    }

    static int batchSize(String value) {
        if (value.equals("dynamic")) {
            return OnnxExportOptions.DYNAMIC_BATCH;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserInputException("--batch " + value + ": expected a positive batch size or 'dynamic'");
    }

    /** The input's name and shape, the normalization and the class names, as the file's metadata properties. */
    static Map<String, String> metadata(CheckpointModel saved) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MODEL, saved.model());
        m.put(INPUT_NAME, OnnxExporter.INPUT);
        m.put(INPUT_SHAPE, Json.write(saved.network().inputShape()));
        m.put(NORMALIZE_MEAN, Json.write(doubles(saved.normalize().mean())));
        m.put(NORMALIZE_STD, Json.write(doubles(saved.normalize().std())));
        m.put(CLASS_NAMES, Json.write(saved.classNames()));
        return m;
    }

    private static List<Double> doubles(float[] v) {
        List<Double> out = new ArrayList<>();
        for (float f : v) {
            out.add((double) f);
        }
        return out;
    }

    private static String join(int[] dims) {
        StringBuilder b = new StringBuilder();
        for (int d : dims) {
            b.append(b.length() == 0 ? "" : ", ").append(d);
        }
        return b.toString();
    }
}
