package dev.cortado.infer;

import dev.cortado.backend.Backend;
import dev.cortado.data.Normalize;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import dev.cortado.train.Loss;
import dev.cortado.train.ModelDescription;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Classifies images with a trained network, preparing them as the checkpoint says (input size,
 * channels, normalization) and naming classes as it does:
 *
 * <pre>{@code
 * try (Backend cpu = new CpuBackend(4); Classifier c = Classifier.load(Path.of("best.safetensors"), cpu)) {
 *     Prediction p = c.classify(Path.of("shoe.png"));
 *     System.out.println(p.best().name() + " " + p.best().probability());
 * }
 * }</pre>
 *
 * Inputs are run through the network in batches of at most {@link #batchSize()}. Probabilities are
 * the softmax of the network's outputs, or for a model trained with binary cross-entropy (multi-label)
 * each output's sigmoid, a probability per label that need not sum to one.
 */
public final class Classifier implements AutoCloseable {
    /** Inputs per forward pass when classifying many: enough to keep a GPU busy, small for the CPU's memory. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final Network network;
    private final boolean ownsNetwork;
    private final ImagePreprocessing preprocessing;
    private final List<String> classNames;
    private final int batchSize;
    private final boolean multiLabel;

    private Classifier(Network network, boolean ownsNetwork, Normalize normalize, List<String> classNames,
                       int batchSize, boolean multiLabel) {
        if (network.inputShape().rank() != 3) {
            throw new IllegalArgumentException("a classifier of images needs a network of C×H×W inputs, this one"
                    + " takes " + network.inputShape());
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        int[] in = network.inputShape().dims();
        this.network = network;
        this.ownsNetwork = ownsNetwork;
        this.preprocessing = new ImagePreprocessing(in[0], in[1], in[2], normalize);
        this.classNames = List.copyOf(classNames);
        this.batchSize = batchSize;
        this.multiLabel = multiLabel;
    }

    /** The network and its description, both from a checkpoint of {@code Trainer}, on {@code backend}. */
    public static Classifier load(Path checkpoint, Backend backend) throws IOException {
        ModelDescription d = ModelDescription.read(checkpoint);
        Network network = Network.load(checkpoint, backend);
        try {
            return new Classifier(network, true, d.normalize(), d.classNames(), DEFAULT_BATCH_SIZE,
                    d.loss() == Loss.Type.BINARY_CROSS_ENTROPY);
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /**
     * A classifier of a network the caller built and keeps (and closes); {@code normalize} may be
     * null for inputs in [0, 1], and classes without a name are named by their index.
     */
    public static Classifier of(Network network, Normalize normalize, List<String> classNames) {
        return new Classifier(network, false, normalize, classNames, DEFAULT_BATCH_SIZE, false);
    }

    /** The same classifier with another batch size; the network stays with this one. */
    public Classifier withBatchSize(int n) {
        return new Classifier(network, false, preprocessing.normalize(), classNames, n, multiLabel);
    }

    public int batchSize() {
        return batchSize;
    }

    /** How images are turned into inputs. */
    public ImagePreprocessing preprocessing() {
        return preprocessing;
    }

    public List<String> classNames() {
        return classNames;
    }

    public Network network() {
        return network;
    }

    public Prediction classify(BufferedImage image) {
        return classifyImages(List.of(image)).get(0);
    }

    public Prediction classify(Path imageFile) throws IOException {
        return classifyFiles(List.of(imageFile)).get(0);
    }

    /** Images in batches of {@link #batchSize()}; the predictions in the same order. */
    public List<Prediction> classifyImages(List<BufferedImage> images) {
        int size = preprocessing.sampleSize();
        float[] samples = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            preprocessing.pixels(images.get(i), samples, i * size);
        }
        return classify(samples, sources("image ", images.size()));
    }

    /** Image files in batches of {@link #batchSize()}, each named by its path in its prediction. */
    public List<Prediction> classifyFiles(List<Path> files) throws IOException {
        int size = preprocessing.sampleSize();
        float[] samples = new float[files.size() * size];
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            preprocessing.pixels(ImagePreprocessing.read(files.get(i)), samples, i * size);
            sources.add(files.get(i).toString());
        }
        return classify(samples, sources);
    }

    /**
     * Inputs already prepared (normalized CHW floats, one sample after another, as {@link
     * #preprocessing()} makes them); one prediction per sample.
     */
    public List<Prediction> classify(float[] samples) {
        int size = preprocessing.sampleSize();
        if (samples.length == 0 || samples.length % size != 0) {
            throw new IllegalArgumentException("expected whole samples of " + size + " floats ("
                    + network.inputShape() + "), got " + samples.length + " floats");
        }
        return classify(samples, sources("sample ", samples.length / size));
    }

    /** A batch already on the network's backend, of shape [N, C, H, W]. */
    public List<Prediction> classify(Tensor batch) {
        Backend backend = network.backend();
        float[] logits = backend.download(network.forward(batch, Mode.EVAL));
        int n = batch.shape().dim(0);
        return rank(logits, n, sources("sample ", n), 0);
    }

    private List<Prediction> classify(float[] samples, List<String> sources) {
        Backend backend = network.backend();
        int size = preprocessing.sampleSize();
        int total = samples.length / size;
        int[] in = network.inputShape().dims();
        List<Prediction> out = new ArrayList<>();
        for (int start = 0; start < total; start += batchSize) {
            int n = Math.min(batchSize, total - start);
            float[] chunk = Arrays.copyOfRange(samples, start * size, (start + n) * size);
            try (Tensor input = backend.upload(Shape.nchw(n, in[0], in[1], in[2]), chunk)) {
                out.addAll(rank(backend.download(network.forward(input, Mode.EVAL)), n, sources, start));
            }
        }
        return out;
    }

    private List<Prediction> rank(float[] logits, int n, List<String> sources, int first) {
        int classes = logits.length / n;
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] p = multiLabel ? sigmoid(logits, i * classes, classes) : softmax(logits, i * classes, classes);
            Integer[] order = new Integer[classes];
            for (int c = 0; c < classes; c++) {
                order[c] = c;
            }
            Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
            List<Prediction.Label> ranked = new ArrayList<>();
            for (int c : order) {
                ranked.add(new Prediction.Label(c, c < classNames.size() ? classNames.get(c) : Integer.toString(c),
                        p[c]));
            }
            out.add(new Prediction(sources.get(first + i), ranked));
        }
        return out;
    }

    /** Softmax with the maximum subtracted, so that large logits cannot overflow exp. */
    public static double[] softmax(float[] logits, int offset, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logits[offset + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** σ(z) = 1/(1 + e^(−z)) of each output: independent label probabilities. */
    static double[] sigmoid(float[] logits, int offset, int n) {
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = 1 / (1 + Math.exp(-logits[offset + i]));
        }
        return p;
    }

    private static List<String> sources(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /** Closes the network when {@link #load} built it. */
    @Override
    public void close() {
        if (ownsNetwork) {
            network.close();
        }
    }
}
