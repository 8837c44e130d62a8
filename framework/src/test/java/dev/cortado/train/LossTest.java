package dev.cortado.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.data.ByteImageDataset;
import dev.cortado.data.Dataset;
import dev.cortado.data.SampleShape;
import dev.cortado.infer.Classifier;
import dev.cortado.infer.Prediction;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkBuilder;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three losses through the library API: cross-entropy, multi-label BCE and regression MSE. */
class LossTest {
    private static final Backend CPU = new CpuBackend(2);

    @AfterAll
    static void closeBackend() {
        CPU.close();
    }

    private static TrainingConfig config(Loss.Type loss) {
        return TrainingConfig.builder().epochs(3).batchSize(32).seed(7).loss(loss)
                .optimizer(OptimizerSpec.defaults(OptimizerType.ADAM).withLearningRate(0.01f)).build();
    }

    /** The trainer's data set when a test feeds its own batches to {@link Trainer#step}: only its class count matters. */
    private static Dataset stepsOnly(int classes) {
        return new ByteImageDataset("unused", new SampleShape(1, 8, 8), new byte[64], new byte[1], classes, null);
    }

    private static Network convnet(int outputs) {
        return NetworkBuilder.input(Shape.of(1, 8, 8)).conv2d("conv1", 4, 3, 1, 1).relu("relu1")
                .maxPool("pool1", 2, 2).dense("fc", outputs).build(CPU, 3);
    }

    /**
     * Multi-label: each 8×8 image may have a bar at the top (label 0) and one at the left (label 1),
     * independently. BCE on targets [N, 2] learns both; the per-label F1 says so.
     */
    @Test
    void binaryCrossEntropyLearnsTwoIndependentLabels() {
        SplittableRandom r = new SplittableRandom(1);
        int n = 64;
        try (Network net = convnet(2);
             Trainer t = Trainer.builder(net, stepsOnly(2)).config(config(Loss.Type.BINARY_CROSS_ENTROPY))
                     .build();
             DeviceBatch batch = new DeviceBatch(CPU)) {
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 150; step++) {
                float[] images = new float[n * 64];
                float[] targets = new float[n * 2];
                multiLabel(r, n, images, targets);
                batch.upload(images, Shape.nchw(n, 1, 8, 8), targets, Shape.of(n, 2));
                IterationResult result = t.step(batch);
                first = step == 0 ? result.loss() : first;
                last = result.loss();
            }
            assertTrue(last < first / 4, "loss " + first + " → " + last);
            float[] images = new float[n * 64];
            float[] targets = new float[n * 2];
            multiLabel(r, n, images, targets);
            LossMetrics m = new LossMetrics(Loss.Type.BINARY_CROSS_ENTROPY, 2);
            try (Tensor x = CPU.upload(Shape.nchw(n, 1, 8, 8), images)) {
                m.add(CPU.download(net.forward(x, Mode.EVAL)), targets, n);
            }
            assertTrue(m.f1(0) > 0.9 && m.f1(1) > 0.9, m.values().toString());
        }
    }

    private static void multiLabel(SplittableRandom r, int n, float[] images, float[] targets) {
        for (int i = 0; i < n; i++) {
            boolean top = r.nextBoolean();
            boolean left = r.nextBoolean();
            targets[2 * i] = top ? 1 : 0;
            targets[2 * i + 1] = left ? 1 : 0;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean bar = (top && y < 2) || (left && x < 2);
                    images[i * 64 + y * 8 + x] = (float) (r.nextDouble() * 0.4 + (bar ? 0.6 : 0));
                }
            }
        }
    }

    /** Regression: the output learns the image's mean brightness; MSE and MAE fall far below the target's variance. */
    @Test
    void meanSquaredErrorLearnsARegressionTarget() {
        SplittableRandom r = new SplittableRandom(2);
        int n = 64;
        try (Network net = NetworkBuilder.input(Shape.of(1, 8, 8)).flatten("flat").dense("fc", 1).build(CPU, 3);
             Trainer t = Trainer.builder(net, stepsOnly(1)).config(config(Loss.Type.MEAN_SQUARED_ERROR))
                     .build();
             DeviceBatch batch = new DeviceBatch(CPU)) {
            float[] images = new float[n * 64];
            float[] targets = new float[n];
            for (int step = 0; step < 300; step++) {
                brightness(r, n, images, targets);
                batch.upload(images, Shape.nchw(n, 1, 8, 8), targets, Shape.of(n, 1));
                t.step(batch);
            }
            brightness(r, n, images, targets);
            LossMetrics m = new LossMetrics(Loss.Type.MEAN_SQUARED_ERROR, 1);
            try (Tensor x = CPU.upload(Shape.nchw(n, 1, 8, 8), images)) {
                m.add(CPU.download(net.forward(x, Mode.EVAL)), targets, n);
            }
            // The targets are uniform on [0, 2): variance 1/3. A fitted linear model does far better.
            Map<String, Double> v = m.values();
            assertTrue(v.get("mse") < 0.01 && v.get("mae") < 0.1, v.toString());
        }
    }

    private static void brightness(SplittableRandom r, int n, float[] images, float[] targets) {
        for (int i = 0; i < n; i++) {
            float level = (float) r.nextDouble();
            double sum = 0;
            for (int p = 0; p < 64; p++) {
                images[i * 64 + p] = level + (float) (r.nextDouble() * 0.2 - 0.1);
                sum += images[i * 64 + p];
            }
            targets[i] = (float) (2 * sum / 64);
        }
    }

    /** With class-index data, BCE and MSE train one-vs-rest on one-hot targets, through fit() itself. */
    @Test
    void everyLossTrainsTheBarsThroughFit() {
        Dataset train = Synthetic.bars(256, 1);
        for (Loss.Type type : Loss.Type.values()) {
            try (Network net = convnet(4);
                 Trainer t = Trainer.builder(net, train).validationData(Synthetic.bars(128, 2))
                         .config(config(type).toBuilder().epochs(6).build())
                         .build()) {
                t.fit();
                assertTrue(t.lastEpoch().validation().top1() > 0.9, type + ": " + t.lastEpoch());
            }
        }
    }

    /** The checkpoint records the loss, so the classifier of a BCE model gives each label its sigmoid. */
    @Test
    void aBinaryCrossEntropyCheckpointClassifiesWithSigmoids(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bce.safetensors");
        float[] x = new float[64];
        float[] logits;
        try (Network net = convnet(4);
             Trainer t = Trainer.builder(net, Synthetic.bars(64, 1)).config(config(Loss.Type.BINARY_CROSS_ENTROPY)
                     .toBuilder().epochs(1).build()).build()) {
            t.fit();
            t.saveCheckpoint(file);
            try (Tensor in = CPU.upload(Shape.nchw(1, 1, 8, 8), x)) {
                logits = CPU.download(net.forward(in, Mode.EVAL));
            }
        }
        assertEquals(Loss.Type.BINARY_CROSS_ENTROPY, ModelDescription.read(file).loss());
        try (Classifier c = Classifier.load(file, CPU)) {
            for (Prediction.Label l : c.classify(x).get(0).ranked()) {
                assertEquals(1 / (1 + Math.exp(-logits[l.index()])), l.probability(), 1e-6, l.toString());
            }
        }
    }

    @Test
    void metricsOfHandWorkedBatches() {
        LossMetrics ce = new LossMetrics(Loss.Type.SOFTMAX_CROSS_ENTROPY, 3);
        ce.add(new float[] {3, 1, 2, 0, 1, 2}, new float[] {0, 1}, 2);
        assertEquals(0.5, ce.values().get("top1"));
        // label 0 predicted: TP 1, FP 1 → F1 = 2/3; label 1: TP 0, FN 1 → 0.
        LossMetrics bce = new LossMetrics(Loss.Type.BINARY_CROSS_ENTROPY, 2);
        bce.add(new float[] {2, -1, 1, -3}, new float[] {1, 1, 0, 0}, 2);
        assertEquals(2.0 / 3, bce.f1(0), 1e-12);
        assertEquals(0.0, bce.f1(1), 1e-12);
        LossMetrics mse = new LossMetrics(Loss.Type.MEAN_SQUARED_ERROR, 1);
        mse.add(new float[] {1, 3}, new float[] {0, 1}, 2);
        assertEquals(2.5, mse.values().get("mse"), 1e-12);   // (1² + 2²)/2
        assertEquals(1.5, mse.values().get("mae"), 1e-12);   // (1 + 2)/2
    }

    @Test
    void labelSmoothingIsForCrossEntropyOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingConfig.builder()
                .loss(Loss.Type.MEAN_SQUARED_ERROR).labelSmoothing(0.1f).build());
        assertTrue(e.getMessage().contains("label smoothing applies to cross-entropy"), e.getMessage());
        assertEquals(Loss.Type.BINARY_CROSS_ENTROPY, Loss.Type.parse("bce"));
    }
}
