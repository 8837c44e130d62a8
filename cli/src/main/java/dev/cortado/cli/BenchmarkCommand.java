package dev.cortado.cli;

import dev.cortado.models.ModelConfig;
import dev.cortado.models.NetworkSpecs;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cortado benchmark}: training and inference throughput of a model on random data (the median
 * of several timed runs after warm-up), and, like {@code caffe time}, each layer's forward and
 * backward time; with {@code --loader}, the input pipeline's throughput alone.
 */
@Command(name = "benchmark", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Measure training and inference images per second, and per-layer forward/backward time;"
                + " with --loader, the input pipeline's images per second.")
final class BenchmarkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Mixin
    BackendOptions backend;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "10",
            description = "Iterations per timed run. Default: ${DEFAULT-VALUE}.")
    int iterations;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "Timed runs; the median is reported. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3",
            description = "Untimed warm-up before each measurement, so the JIT has compiled the kernels."
                    + " Default: ${DEFAULT-VALUE}.")
    double warmup;

    @Option(names = "--no-layers", description = "Skip the per-layer timing.")
    boolean noLayers;

    @Option(names = "--json", description = "Print one JSON object with the results on stdout.")
    boolean json;

    @Mixin
    LoaderBenchmarkOptions loader;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1 || iterations < 1 || runs < 1 || !(warmup >= 0)) {
            throw new UserInputException("--batch-size, --iterations and --runs must be at least 1, --warmup at least 0");
        }
        if (loader.loader) {
            return loader.run(spec, model, batchSize, iterations, runs, warmup, json);
        }
        DeviceList devices = backend.deviceList();
        if (devices != null) {
            devices.requireEvenSplit("--batch-size", batchSize);
        }
        ModelConfig config = ModelOptions.load(model.model, model.variables(), model.inputSize());
        Map<String, Object> result = new LinkedHashMap<>();
        List<ModelBenchmark.LayerTime> layers = List.of();
        ModelBenchmark.Result training;
        int replicas;
        try (DeviceList.Opened opened = backend.open(devices);
             ModelBenchmark bench = new ModelBenchmark(opened.backends(), NetworkSpecs.from(config), batchSize, warmup,
                     backend.bucketBytes())) {
            replicas = opened.backends().size();
            result.put("model", config.name());
            result.put("batch_size", batchSize);
            result.put("backend", bench.devices());
            training = bench.training(iterations, runs);
            result.put("train_images_per_second", training.medianImagesPerSecond());
            if (replicas > 1) {
                result.put("allreduce_ms_per_step", training.allReduceMsPerStep());
                result.put("allreduce_exposed_ms_per_step", training.exposedMsPerStep());
                double hidden = training.communication().hiddenFraction();
                result.put("allreduce_hidden_fraction", Double.isNaN(hidden) ? null : hidden);
                result.put("gradient_buckets", training.communication().buckets());
            }
            result.put("inference_images_per_second", bench.inference(iterations, runs).medianImagesPerSecond());
            if (!noLayers) {
                layers = bench.layerTimes(iterations);
                List<Map<String, Object>> rows = new ArrayList<>();
                for (ModelBenchmark.LayerTime t : layers) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", t.node());
                    m.put("type", t.type());
                    m.put("forward_ms", t.forwardMs());
                    m.put("backward_ms", t.backwardMs());
                    rows.add(m);
                }
                result.put("layers", rows);
            }
        }
        PrintWriter text = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        text.printf(Locale.ROOT, "%s, batch %d on %s: training %,.1f img/s, inference %,.1f img/s (median of %d runs "
                        + "of %d iterations)%n", config.name(), batchSize, result.get("backend"),
                (Double) result.get("train_images_per_second"), (Double) result.get("inference_images_per_second"),
                runs, iterations);
        if (replicas > 1) {
            double hidden = training.communication().hiddenFraction();
            text.printf(Locale.ROOT, "data parallel over %d replicas: all-reduce %.3f ms per step in %d bucket(s), %.3f ms"
                            + " of it after backward (%s hidden); inference and layer times on the first device%n",
                    replicas, training.allReduceMsPerStep(), training.communication().buckets(),
                    training.exposedMsPerStep(),
                    Double.isNaN(hidden) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * hidden));
        }
        if (!layers.isEmpty()) {
            text.printf(Locale.ROOT, "%n%-28s %-14s %12s %12s%n", "layer", "type", "forward ms", "backward ms");
            double f = 0;
            double b = 0;
            for (ModelBenchmark.LayerTime t : layers) {
                text.printf(Locale.ROOT, "%-28s %-14s %12.3f %12.3f%n", t.node(), t.type(), t.forwardMs(), t.backwardMs());
                f += t.forwardMs();
                b += t.backwardMs();
            }
            text.printf(Locale.ROOT, "%-28s %-14s %12.3f %12.3f%n", "total", "", f, b);
        }
        text.flush();
        if (json) {
            JsonOutput.print(spec.commandLine().getOut(), result);
        }
        return ExitCodes.OK;
    }
}
