package dev.cortado.models.benchmark;

import dev.cortado.backend.Backend;
import dev.cortado.nn.Layer;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkSpec;
import dev.cortado.nn.NodeSpec;
import dev.cortado.nn.Parameter;
import dev.cortado.optim.GradientClipping;
import dev.cortado.optim.Optimizer;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Throughput of a network on random data, as {@code cortado benchmark} reports it: the training step
 * of {@code Trainer.step} (forward in TRAIN mode, softmax cross-entropy with its gradient, backward,
 * the global gradient norm, an Adam update), inference (forward in EVAL mode), and each node's
 * forward and backward time like {@code caffe time}. Rates are the median images per second over
 * several timed runs after a warm-up of at least a few seconds, so that the JIT has compiled the
 * kernels, as {@code benchmarks/pytorch_reference.py} times PyTorch. The batch is uploaded once: the
 * figures are the network's, not the data pipeline's.
 */
public final class ModelBenchmark implements AutoCloseable {
    /** Images per second of each timed run, and their median. */
    public record Result(double medianImagesPerSecond, double[] runs) {
    }

    /** Mean milliseconds per step that one node spends in forward and in backward. */
    public record LayerTime(String node, String type, double forwardMs, double backwardMs) {
    }

    private final Backend backend;
    private final NetworkSpec spec;
    private final int batchSize;
    private final long warmupNanos;
    private final Network network;
    private final Session session;

    /** Builds the network on {@code backend} with a random batch of {@code batchSize} images. */
    public ModelBenchmark(Backend backend, NetworkSpec spec, int batchSize, double warmupSeconds) {
        this.backend = backend;
        this.spec = spec;
        this.batchSize = batchSize;
        this.warmupNanos = (long) (warmupSeconds * 1e9);
        this.network = Network.build(spec, backend, 42);
        this.session = new Session(network, batchSize);
    }

    public Result training(int iterations, int runs) {
        return time(session::step, iterations, runs);
    }

    public Result inference(int iterations, int runs) {
        return time(() -> network.forward(session.images, Mode.EVAL), iterations, runs);
    }

    private Result time(Runnable step, int iterations, int runs) {
        // Warm up for a number of steps and for the warm-up time at least: the JIT compiles the
        // vector kernels only after many calls, and timing before that measures the compiler.
        long warmupStart = System.nanoTime();
        for (int i = 0; i < Math.max(5, iterations / 5) || System.nanoTime() - warmupStart < warmupNanos; i++) {
            step.run();
        }
        backend.synchronize();
        double[] rates = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                step.run();
            }
            backend.synchronize();
            rates[r] = (double) iterations * batchSize / ((System.nanoTime() - start) / 1e9);
        }
        return new Result(median(rates), rates);
    }

    /**
     * Per-node forward and backward time of a training step: every node is run and back-propagated
     * by hand in network order, so the sums include no loss or update. The backend is synchronized
     * around each node: on a GPU the host only queues work, and an unsynchronized clock would time the
     * launches, not the kernels.
     */
    public List<LayerTime> layerTimes(int iterations) {
        Session s = session;
        s.step();
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
        Tensor[] sums = new Tensor[count + 1];
        try {
            for (int it = 0; it < iterations + 1; it++) {
                boolean timed = it > 0;
                outputs[count] = s.images;
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
                s.loss(outputs[count - 1]);
                Arrays.fill(gradients, null);
                int[] pending = consumers.clone();
                gradients[count - 1] = s.logitsGradient;
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
                        if (sums[i] == null) {
                            sums[i] = backend.allocate(in.get(k).shape());
                        }
                        if (pending[i] == consumers[i]) {
                            backend.tensors().copy(in.get(k), sums[i]);
                        } else {
                            backend.tensors().add(sums[i], in.get(k), sums[i]);
                        }
                        pending[i]--;
                        gradients[i] = sums[i];
                    }
                }
            }
        } finally {
            for (Tensor t : sums) {
                if (t != null) {
                    t.close();
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
        session.close();
        network.close();
    }

    /** One network's random batch, loss gradient and Adam optimizer. */
    private static final class Session implements AutoCloseable {
        private final Network network;
        private final Backend backend;
        private final Tensor images;
        private final Tensor labels;
        private final Optimizer optimizer;
        private Tensor logitsGradient;

        Session(Network network, int batchSize) {
            this.network = network;
            this.backend = network.backend();
            Shape shape = network.inputShape(batchSize);
            SplittableRandom random = new SplittableRandom(7);
            float[] x = new float[shape.intSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble();
            }
            int classes = network.outputShape().intSize();
            float[] y = new float[batchSize];
            for (int i = 0; i < y.length; i++) {
                y[i] = random.nextInt(classes);
            }
            this.images = backend.allocate(shape);
            this.labels = backend.allocate(Shape.of(batchSize));
            backend.tensors().copyFromHost(x, images);
            backend.tensors().copyFromHost(y, labels);
            this.optimizer = Optimizer.create(OptimizerSpec.defaults(OptimizerType.ADAM).withLearningRate(1e-3f),
                    backend);
        }

        float loss(Tensor logits) {
            if (logitsGradient == null || !logitsGradient.shape().equals(logits.shape())) {
                if (logitsGradient != null) {
                    logitsGradient.close();
                }
                logitsGradient = backend.allocate(logits.shape());
            }
            return backend.losses().softmaxCrossEntropy(logits, labels, 0f, logitsGradient);
        }

        void step() {
            Tensor logits = network.forward(images, Mode.TRAIN);
            loss(logits);
            backend.tensors().topKCorrect(logits, labels, 1);
            network.backward(logitsGradient);
            List<Parameter> params = network.parameters();
            GradientClipping.none().apply(backend, params);
            optimizer.step(params, 1e-3f);
        }

        @Override
        public void close() {
            optimizer.close();
            images.close();
            labels.close();
            if (logitsGradient != null) {
                logitsGradient.close();
            }
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

}
