package dev.cortado.cli;

import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.DataLoader;
import dev.cortado.data.Dataset;
import dev.cortado.data.DatasetFormat;
import dev.cortado.data.SampleShape;
import dev.cortado.models.ModelConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code cortado benchmark --loader}: the input pipeline's throughput, with the data and augmentations of a run. */
final class LoaderBenchmarkOptions {
    /** An image folder is read as RGB at this size unless --model or --input-size says otherwise. */
    private static final int DEFAULT_FOLDER_SIZE = 224;

    @Option(names = "--loader", description = "Measure the input pipeline alone (read, decode, augment --data into "
            + "batches) instead of a model; prints loader_images_per_second with --json.")
    boolean loader;

    @Option(names = "--data", paramLabel = "DIR|FILE", description = "--loader: the dataset (image folder, IDX, CIFAR "
            + "or .cpack). Default: as for train.")
    Path data;

    @Option(names = "--workers", paramLabel = "N", description = "--loader: loader threads. Default: the cores minus "
            + "one, at least 1.")
    Integer workers;

    @Option(names = "--augment", paramLabel = "LIST", split = ",",
            description = "--loader: augmentations as for train (" + Augmentations.KNOWN + "). Default: none.")
    List<String> augment;

    int run(CommandSpec spec, ModelOptions model, int batchSize, int iterations, int runs, double warmup, boolean json)
            throws IOException {
        if (workers != null && workers < 1) {
            throw new UserInputException("--workers must be at least 1, got " + workers);
        }
        Path dir = DatasetLocator.fromEnvironment().locate(data, true, spec.commandLine().getErr());
        DatasetFormat format = DataDirectory.format(dir, null);
        boolean modelGiven = spec.commandLine().getParseResult().hasMatchedOption("--model");
        ModelConfig config = modelGiven ? ModelOptions.load(model.model, model.variables(), null) : null;
        int[] size = model.inputSize();
        if (size == null && config != null) {
            size = new int[] {config.input().get(1), config.input().get(2)};
        }
        int channels = config != null ? config.input().get(0) : 3;
        SampleShape folderShape = new SampleShape(channels, size != null ? size[0] : DEFAULT_FOLDER_SIZE,
                size != null ? size[1] : DEFAULT_FOLDER_SIZE);
        Dataset train = DataDirectory.open(dir, format, folderShape).train();
        SampleShape dataShape = train.sampleShape();
        SampleShape output = size == null ? dataShape : dataShape.withSize(size[0], size[1]);
        List<String> names = augment == null ? List.of() : augment;
        AugmentationPipeline pipeline = Augmentations.training(names, dataShape, output,
                DataDirectory.normalizeFor(format, train));
        int threads = workers != null ? workers : DataLoader.defaultWorkers();
        LoaderBenchmark.Result r = LoaderBenchmark.measure(train, pipeline, batchSize, threads, iterations, runs, warmup, 42);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("data", train.description());
        result.put("images", train.size());
        result.put("sample_shape", dataShape.toString());
        result.put("output_shape", output.toString());
        result.put("augment", String.join(",", names));
        result.put("batch_size", batchSize);
        result.put("workers", threads);
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("loader_images_per_second", r.medianImagesPerSecond());
        result.put("runs_images_per_second", java.util.Arrays.stream(r.runs()).boxed().toList());
        PrintWriter text = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        text.printf(Locale.ROOT, "%s: %,.1f img/s loaded (%s to %s%s, batch %d, %d worker(s) on %d cores; median of %d "
                        + "runs of %d batches)%n", train.description(), r.medianImagesPerSecond(), dataShape, output,
                names.isEmpty() ? "" : ", " + String.join("+", names), batchSize, threads,
                Runtime.getRuntime().availableProcessors(), runs, iterations);
        text.flush();
        if (json) {
            JsonOutput.print(spec.commandLine().getOut(), result);
        }
        return ExitCodes.OK;
    }
}
