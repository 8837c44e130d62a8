package dev.cortado.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.ByteImageDataset;
import dev.cortado.data.Dataset;
import dev.cortado.data.Normalize;
import dev.cortado.data.SampleShape;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkBuilder;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import dev.cortado.train.Trainer;
import dev.cortado.train.TrainingConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint the library trained, classified through every kind of input the classifier takes. */
class ClassifierTest {
    private static final Backend CPU = new CpuBackend(2);
    private static final List<String> NAMES = List.of("top", "bottom", "left", "right");
    private static final Normalize NORM = new Normalize(new float[] {0.3f}, new float[] {0.25f});

    @TempDir
    static Path dir;
    static Path checkpoint;

    /** Grey 8×8 images of four classes: a bright bar at the top, bottom, left or right, on noise. */
    static BufferedImage bar(int label, SplittableRandom r) {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                boolean bar = switch (label) {
                    case 0 -> y < 2;
                    case 1 -> y >= 6;
                    case 2 -> x < 2;
                    default -> x >= 6;
                };
                img.getRaster().setSample(x, y, 0, r.nextInt(100) + (bar ? 140 : 0));
            }
        }
        return img;
    }

    @BeforeAll
    static void train() throws Exception {
        SplittableRandom r = new SplittableRandom(1);
        int n = 256;
        byte[] pixels = new byte[n * 64];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 4);
            byte[] data = (byte[]) bar(i % 4, r).getRaster().getDataElements(0, 0, 8, 8, null);
            System.arraycopy(data, 0, pixels, i * 64, 64);
        }
        Dataset data = new ByteImageDataset("bars", new SampleShape(1, 8, 8), pixels, labels, 4, NAMES);
        checkpoint = dir.resolve("bars.safetensors");
        try (Network net = NetworkBuilder.input(Shape.of(1, 8, 8)).conv2d("conv1", 4, 3, 1, 1).relu("relu1")
                .maxPool("pool1", 2, 2).dense("fc", 4).build(CPU, 3);
             Trainer t = Trainer.builder(net, data).normalize(NORM)
                     .trainTransform(AugmentationPipeline.of(NORM)).evalTransform(AugmentationPipeline.of(NORM))
                     .config(TrainingConfig.builder().epochs(3).batchSize(32).seed(7)
                             .optimizer(OptimizerSpec.defaults(OptimizerType.ADAM).withLearningRate(0.01f)).build())
                     .build()) {
            t.fit();
            t.saveCheckpoint(checkpoint);
        }
    }

    @AfterAll
    static void closeBackend() {
        CPU.close();
    }

    @Test
    void aLoadedClassifierNamesTheBarsOfNewImages() throws Exception {
        SplittableRandom r = new SplittableRandom(99);
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            images.add(bar(i % 4, r));
        }
        try (Classifier c = Classifier.load(checkpoint, CPU)) {
            assertEquals(NAMES, c.classNames());
            // Batches of 16 over 40 images: two full batches and one of 8, in order.
            List<Prediction> ps = c.withBatchSize(16).classifyImages(images);
            int right = 0;
            for (int i = 0; i < ps.size(); i++) {
                right += ps.get(i).best().index() == i % 4 ? 1 : 0;
                double sum = 0;
                for (Prediction.Label l : ps.get(i).ranked()) {
                    sum += l.probability();
                }
                assertEquals(1.0, sum, 1e-9, "softmax probabilities sum to one");
            }
            assertTrue(right >= 36, right + " of 40 right; the bars are separable");
            assertEquals(NAMES.get(ps.get(1).best().index()), ps.get(1).best().name());
            assertEquals(2, ps.get(0).top(2).size());
        }
    }

    @Test
    void imagesFilesFloatsAndTensorsGiveTheSamePrediction() throws Exception {
        BufferedImage img = bar(2, new SplittableRandom(5));
        Path png = dir.resolve("left.png");
        ImageIO.write(img, "png", png.toFile());
        try (Classifier c = Classifier.load(checkpoint, CPU)) {
            Prediction fromImage = c.classify(img);
            Prediction fromFile = c.classify(png);
            float[] x = c.preprocessing().pixels(img);
            Prediction fromFloats = c.classify(x).get(0);
            Prediction fromTensor;
            try (Tensor t = CPU.upload(Shape.nchw(1, 1, 8, 8), x)) {
                fromTensor = c.classify(t).get(0);
            }
            assertEquals(fromImage.ranked(), fromFile.ranked());
            assertEquals(fromImage.ranked(), fromFloats.ranked());
            assertEquals(fromImage.ranked(), fromTensor.ranked());
            assertEquals(png.toString(), fromFile.source());
        }
    }

    @Test
    void preprocessingScalesToTheUnitIntervalThenStandardizes() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(0, 0, 0, 255);
        img.getRaster().setSample(1, 0, 0, 51);
        float[] x = new ImagePreprocessing(1, 1, 2, NORM).pixels(img);
        // (1 − 0.3)/0.25 = 2.8 and (0.2 − 0.3)/0.25 = −0.4
        assertEquals(2.8f, x[0], 1e-5f);
        assertEquals(-0.4f, x[1], 1e-5f);
    }
}
