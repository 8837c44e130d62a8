package dev.cortado.cli;

import dev.cortado.backend.Backend;
import dev.cortado.data.DataLoader;
import dev.cortado.data.Dataset;
import dev.cortado.data.SampleShape;
import dev.cortado.distributed.CommunicationStats;
import dev.cortado.distributed.DataParallel;
import dev.cortado.nn.Layer;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkSpec;
import dev.cortado.nn.NodeSpec;
import dev.cortado.optim.GradientClipping;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.optim.ScheduleSpec;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Tensor;
import dev.cortado.train.DeviceBatch;
import dev.cortado.train.Trainer;
import dev.cortado.train.TrainingConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Throughput of a network on random data, as {@code cortado benchmark} reports it: the trainer's own
 * step ({@link Trainer#step()}: forward in TRAIN mode, softmax cross-entropy with its gradient,
 * backward, the global gradient norm, an Adam update; with several devices on every replica, with the
 * gradients' all-reduce), inference (forward in EVAL mode, on the first device),
 * and each node's forward and backward time like {@code caffe time}. Rates are the median images per
 * second over several timed runs after a warm-up of at least a few seconds, so that the JIT has
 * compiled the kernels, as {@code benchmarks/pytorch_reference.py} times PyTorch. The batch is
 * uploaded once: the figures are the network's, not the data pipeline's.
 */
final class ModelBenchmark implements AutoCloseable {
    /**
     * Images per second of each timed run, and their median; for data-parallel training, the communication
     * over all timed runs and the steps they took.
     */
    record Result(double medianImagesPerSecond, double[] runs, CommunicationStats communication, long steps) {
        /** The transport's all-reduce time per step, in milliseconds. */
        double allReduceMsPerStep() {
            return communication.allReduceNanos() / 1e6 / steps;
        }

        /** The communication after backward per step, in milliseconds (see {@link CommunicationStats#exposedNanos}). */
        double exposedMsPerStep() {
            return communication.exposedNanos() / 1e6 / steps;
        }
    }

    /** Mean milliseconds per step that one node spends in forward and in backward. */
    record LayerTime(String node, String type, double forwardMs, double backwardMs) {
    }

    private final Backend backend;
    private final List<Backend> backends;
    private final DataParallel replicas;
    private final NetworkSpec spec;
    private final int batchSize;
    private final long warmupNanos;
    private final Network network;
    private final Trainer trainer;
    private final DeviceBatch batch;

    /**
     * Builds a replica of the network on each backend, with a random global batch of {@code batchSize}
     * images split over them; one backend is the single-device benchmark.
     */
    ModelBenchmark(List<Backend> backends, NetworkSpec spec, int batchSize, double warmupSeconds, long bucketBytes) {
        this.backends = List.copyOf(backends);
        this.backend = backends.get(0);
        this.spec = spec;
        this.batchSize = batchSize;
        this.warmupNanos = (long) (warmupSeconds * 1e9);
        this.replicas = DataParallel.build(spec, backends, 42, bucketBytes);
        this.network = replicas.primary();
        Trainer t = null;
        DeviceBatch b = null;
        try {
            Dataset data = new RandomImages(network, batchSize, 7);
            TrainingConfig config = TrainingConfig.builder().batchSize(batchSize)
                    .optimizer(OptimizerSpec.defaults(OptimizerType.ADAM).withLearningRate(1e-3f))
                    .schedule(ScheduleSpec.constant()).clipping(GradientClipping.none()).build();
            t = Trainer.builder(replicas, data).config(config).build();
            b = new DeviceBatch(backend);
            try (DataLoader loader = DataLoader.builder(data).batchSize(batchSize).shuffle(false).build()) {
                dev.cortado.data.Batch first = loader.next();
                t.scatter(first);
                b.upload(first);
            }
        } catch (RuntimeException e) {
            if (b != null) {
                b.close();
            }
            if (t != null) {
                t.close();
            }
            replicas.close();
            throw e;
        }
        this.trainer = t;
        this.batch = b;
    }

    /** The devices, as --devices names them. */
    String devices() {
        return replicas.devices();
    }

    Result training(int iterations, int runs) {
        return time(trainer::step, iterations, runs);
    }

    /** Inference on the first device, over the whole batch. */
    Result inference(int iterations, int runs) {
        return time(() -> network.forward(batch.images(), Mode.EVAL), iterations, runs);
    }

    private Result time(Runnable step, int iterations, int runs) {
        // Warm up for a number of steps and for the warm-up time at least: the JIT compiles the
        // vector kernels only after many calls, and timing before that measures the compiler.
        long warmupStart = System.nanoTime();
        for (int i = 0; i < Math.max(5, iterations / 5) || System.nanoTime() - warmupStart < warmupNanos; i++) {
            step.run();
        }
        backends.forEach(Backend::synchronize);
        CommunicationStats before = replicas.communication();
        double[] rates = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                step.run();
            }
            backends.forEach(Backend::synchronize);
            rates[r] = (double) iterations * batchSize / ((System.nanoTime() - start) / 1e9);
        }
        return new Result(median(rates), rates, replicas.communication().since(before), (long) iterations * runs);
    }

    /**
     * Per-node forward and backward time of a training step: every node is run and back-propagated
     * by hand in network order, so the sums include no loss or update. The backend is synchronized
     * around each node: on a GPU the host only queues work, and an unsynchronized clock would time the
     * launches, not the kernels.
     */
    List<LayerTime> layerTimes(int iterations) {
        trainer.step();
        List<NodeSpec> nodes = spec.nodes();
        int count = nodes.size();
        Map<String, Integer> index = new HashMap<>();
        int[][] inputs = new int[count][];
        int[] consumers = new int[count + 1];
        for (int n = 0; n < count; n++) {
            index.put(nodes.get(n).name(), n);
            List<String> names = nodes.get(n).inputs().isEmpty()
                    ? List.of(n == 0 ? NetworkSpec.INPUT : nodes.get(n - 1).name())
                    : nodes.get(n).inputs();
            inputs[n] = names.stream().mapToInt(name -> name.equals(NetworkSpec.INPUT) ? count : index.get(name))
                    .toArray();
            for (int i : inputs[n]) {
                consumers[i]++;
            }
        }
        Layer[] layers = new Layer[count];
        for (int n = 0; n < count; n++) {
            layers[n] = network.layer(nodes.get(n).name());
        }
        long[] forwardNs = new long[count];
        long[] backwardNs = new long[count];
        Tensor[] outputs = new Tensor[count + 1];
        Tensor[] gradients = new Tensor[count + 1];
        ReusableTensor[] sums = new ReusableTensor[count + 1];
        for (int i = 0; i < count; i++) {
            if (consumers[i] > 1) {
                sums[i] = new ReusableTensor(backend::allocate);
            }
        }
        try (ReusableTensor logitsGradient = new ReusableTensor(backend::allocate)) {
            for (int it = 0; it < iterations + 1; it++) {
                boolean timed = it > 0;
                outputs[count] = batch.images();
                for (int n = 0; n < count; n++) {
                    List<Tensor> in = new ArrayList<>();
                    for (int i : inputs[n]) {
                        in.add(outputs[i]);
                    }
                    backend.synchronize();
                    long t0 = System.nanoTime();
                    outputs[n] = layers[n].forward(in, Mode.TRAIN);
                    backend.synchronize();
                    if (timed) {
                        forwardNs[n] += System.nanoTime() - t0;
                    }
                }
                Tensor logits = outputs[count - 1];
                Tensor dLogits = logitsGradient.get(logits.shape());
                backend.losses().softmaxCrossEntropy(logits, batch.labels(), 0f, dLogits);
                Arrays.fill(gradients, null);
                int[] pending = consumers.clone();
                gradients[count - 1] = dLogits;
                for (int n = count - 1; n >= 0; n--) {
                    boolean needInput = Arrays.stream(inputs[n]).anyMatch(i -> i != count);
                    backend.synchronize();
                    long t0 = System.nanoTime();
                    List<Tensor> in = layers[n].backward(gradients[n], needInput);
                    backend.synchronize();
                    if (timed) {
                        backwardNs[n] += System.nanoTime() - t0;
                    }
                    for (int k = 0; needInput && k < inputs[n].length; k++) {
                        int i = inputs[n][k];
                        if (i == count) {
                            continue;
                        }
                        if (consumers[i] == 1) {
                            gradients[i] = in.get(k);
                            continue;
                        }
                        Tensor sum = sums[i].get(in.get(k).shape());
                        if (pending[i] == consumers[i]) {
                            backend.tensors().copy(in.get(k), sum);
                        } else {
                            backend.tensors().add(sum, in.get(k), sum);
                        }
                        pending[i]--;
                        gradients[i] = sum;
                    }
                }
            }
        } finally {
            for (ReusableTensor sum : sums) {
                if (sum != null) {
                    sum.close();
                }
            }
        }
        List<LayerTime> times = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            times.add(new LayerTime(nodes.get(n).name(), layers[n].type(), forwardNs[n] / 1e6 / iterations,
                    backwardNs[n] / 1e6 / iterations));
        }
        return times;
    }

    @Override
    public void close() {
        batch.close();
        trainer.close();
        replicas.close();
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** {@code n} images of the network's input shape with values uniform in [0, 1) and uniform labels. */
    private static final class RandomImages implements Dataset {
        private final SampleShape shape;
        private final int classes;
        private final float[] images;
        private final int[] labels;

        RandomImages(Network network, int n, long seed) {
            int[] dims = network.inputShape().dims();
            if (dims.length != 3) {
                throw new IllegalArgumentException("the benchmark feeds images [C, H, W]; the network's input is "
                        + network.inputShape());
            }
            this.shape = new SampleShape(dims[0], dims[1], dims[2]);
            this.classes = network.outputShape().intSize();
            SplittableRandom random = new SplittableRandom(seed);
            this.images = new float[n * shape.size()];
            for (int i = 0; i < images.length; i++) {
                images[i] = (float) random.nextDouble();
            }
            this.labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = random.nextInt(classes);
            }
        }

        @Override
        public int size() {
            return labels.length;
        }

        @Override
        public SampleShape sampleShape() {
            return shape;
        }

        @Override
        public int numClasses() {
            return classes;
        }

        @Override
        public int label(int index) {
            return labels[index];
        }

        @Override
        public int read(int index, float[] dst, int offset) {
            System.arraycopy(images, index * shape.size(), dst, offset, shape.size());
            return labels[index];
        }

        @Override
        public String description() {
            return "random images";
        }
    }
}
