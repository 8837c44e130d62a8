package dev.cortado.cli;

import dev.cortado.backend.Backend;
import dev.cortado.models.ModelConfig;
import dev.cortado.models.NetworkSpecs;
import dev.cortado.nn.Layer;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkSpec;
import dev.cortado.nn.NetworkSummary;
import dev.cortado.optim.Optimizer;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cortado benchmark}: training and inference throughput of a model on random data (the median
 * of several timed runs after warm-up), and, like {@code caffe time}, each layer's forward and
 * backward time.
 */
@Command(name = "benchmark", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Measure training and inference images per second, and per-layer forward/backward time.")
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

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "10",
            description = "Untimed warm-up iterations. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--no-layers", description = "Skip the per-layer timing.")
    boolean noLayers;

    @Option(names = "--json", description = "Print one JSON object with the results on stdout.")
    boolean json;

    @Override
    public Integer call() {
        if (batchSize < 1 || iterations < 1 || runs < 1 || warmup < 0) {
            throw new UserInputException("--batch-size, --iterations and --runs must be at least 1, --warmup at least 0");
        }
        ModelConfig config = ModelOptions.load(model.modelOrDefault("lenet5"), model.variables(), model.inputSize());
        NetworkSpec networkSpec = NetworkSpecs.from(config);
        Map<String, Object> result = new LinkedHashMap<>();
        List<Map<String, Object>> layers = new ArrayList<>();
        try (Backend device = backend.open(); Network network = Network.build(networkSpec, device, 1)) {
            Shape inputShape = network.inputShape(batchSize);
            int classes = network.outputShape().intSize();
            SplittableRandom random = new SplittableRandom(1);
            float[] labels = new float[batchSize];
            for (int i = 0; i < batchSize; i++) {
                labels[i] = random.nextInt(classes);
            }
            try (Tensor input = device.upload(inputShape, randoms(inputShape, random));
                 Tensor target = device.upload(Shape.of(batchSize), labels);
                 Tensor gradient = device.allocate(Shape.of(batchSize, classes));
                 Optimizer sgd = Optimizer.create(OptimizerSpec.defaults(OptimizerType.MOMENTUM), device)) {
                Runnable trainStep = () -> {
                    Tensor logits = network.forward(input, Mode.TRAIN);
                    device.losses().softmaxCrossEntropy(logits, target, 0f, gradient);
                    network.backward(gradient);
                    sgd.step(network.parameters(), 1e-4f);
                };
                Runnable inferStep = () -> network.forward(input, Mode.EVAL);
                double train = imagesPerSecond(device, trainStep);
                double infer = imagesPerSecond(device, inferStep);
                result.put("model", config.name());
                result.put("batch_size", batchSize);
                result.put("backend", device.name());
                result.put("train_images_per_second", train);
                result.put("inference_images_per_second", infer);
                if (!noLayers) {
                    layers = layerTimes(network, device, random);
                    result.put("layers", layers);
                }
            }
        }
        PrintWriter text = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        text.printf(Locale.ROOT, "%s, batch %d on %s: training %,.1f img/s, inference %,.1f img/s (median of %d runs "
                        + "of %d iterations)%n", config.name(), batchSize, result.get("backend"),
                (Double) result.get("train_images_per_second"), (Double) result.get("inference_images_per_second"),
                runs, iterations);
        if (!layers.isEmpty()) {
            text.printf(Locale.ROOT, "%n%-28s %-14s %12s %12s%n", "layer", "type", "forward ms", "backward ms");
            double f = 0;
            double b = 0;
            for (Map<String, Object> l : layers) {
                text.printf(Locale.ROOT, "%-28s %-14s %12.3f %12.3f%n", l.get("name"), l.get("type"),
                        (Double) l.get("forward_ms"), (Double) l.get("backward_ms"));
                f += (Double) l.get("forward_ms");
                b += (Double) l.get("backward_ms");
            }
            text.printf(Locale.ROOT, "%-28s %-14s %12.3f %12.3f%n", "total", "", f, b);
        }
        text.flush();
        if (json) {
            JsonOutput.print(spec.commandLine().getOut(), result);
        }
        return ExitCodes.OK;
    }

    private double imagesPerSecond(Backend device, Runnable step) {
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        device.synchronize();
        double[] rates = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                step.run();
            }
            device.synchronize();
            rates[r] = (double) batchSize * iterations / ((System.nanoTime() - start) / 1e9);
        }
        return median(rates);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * Each layer on its own, fed random tensors of its input shapes: the mean time of a forward pass
     * (TRAIN mode) and of a backward pass with input gradients, after one untimed call of each.
     */
    private List<Map<String, Object>> layerTimes(Network network, Backend device, SplittableRandom random) {
        Map<String, Shape> shapes = new HashMap<>();
        shapes.put(NetworkSpec.INPUT, network.inputShape(batchSize));
        NetworkSummary summary = network.summary();
        List<Map<String, Object>> out = new ArrayList<>();
        String previous = NetworkSpec.INPUT;
        for (NetworkSummary.Row row : summary.rows()) {
            int[] perSample = row.outputShape().dims();
            int[] dims = new int[perSample.length + 1];
            dims[0] = batchSize;
            System.arraycopy(perSample, 0, dims, 1, perSample.length);
            Shape outShape = Shape.of(dims);
            List<String> inputNames = row.inputs().isEmpty() ? List.of(previous) : row.inputs();
            List<Tensor> inputs = new ArrayList<>();
            try {
                for (String name : inputNames) {
                    Shape s = shapes.get(name);
                    inputs.add(device.upload(s, randoms(s, random)));
                }
                Layer layer = network.layer(row.name());
                try (Tensor gradOut = device.upload(outShape, randoms(outShape, random))) {
                    layer.forward(inputs, Mode.TRAIN);
                    layer.backward(gradOut, true);
                    device.synchronize();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < iterations; i++) {
                        layer.forward(inputs, Mode.TRAIN);
                    }
                    device.synchronize();
                    long t1 = System.nanoTime();
                    for (int i = 0; i < iterations; i++) {
                        layer.backward(gradOut, true);
                    }
                    device.synchronize();
                    long t2 = System.nanoTime();
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", row.name());
                    m.put("type", row.type());
                    m.put("forward_ms", (t1 - t0) / 1e6 / iterations);
                    m.put("backward_ms", (t2 - t1) / 1e6 / iterations);
                    out.add(m);
                }
            } finally {
                inputs.forEach(Tensor::close);
            }
            shapes.put(row.name(), outShape);
            previous = row.name();
        }
        return out;
    }

    private static float[] randoms(Shape shape, SplittableRandom random) {
        float[] v = new float[shape.intSize()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }
}
