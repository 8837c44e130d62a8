package dev.cortado.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.checkpoint.CheckpointFormatException;
import dev.cortado.data.DataLoader;
import dev.cortado.data.Dataset;
import dev.cortado.data.LoaderPosition;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkBuilder;
import dev.cortado.nn.Parameter;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final Backend CPU = new CpuBackend(2);
    private static final Dataset TRAIN = Synthetic.bars(256, 1);
    private static final Dataset TEST = Synthetic.bars(128, 2);

    @TempDir
    Path dir;

    @AfterAll
    static void closeBackend() {
        CPU.close();
    }

    private static TrainingConfig.Builder config() {
        return TrainingConfig.builder().epochs(2).batchSize(32).seed(7)
                .optimizer(OptimizerSpec.defaults(OptimizerType.ADAM).withLearningRate(0.01f));
    }

    /** Parameter values, buffers and optimizer state after training, as host arrays by name. */
    private static Map<String, float[]> state(Trainer t) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Parameter p : t.network().parameters()) {
            out.put(p.name(), t.backend().download(p.value()));
        }
        t.network().buffers().forEach((k, v) -> out.put(k, t.backend().download(v)));
        t.optimizer().state().forEach((k, v) -> out.put("optimizer/" + k, t.backend().download(v)));
        return out;
    }

    private static void assertBitIdentical(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), 0f, () -> "tensor " + k + " differs"));
    }

    @Test
    void trainingLearnsTheBarsAndEvaluatesThem() {
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(config().epochs(3).build()).validationData(TEST).build()) {
            t.fit();
            EvaluationResult r = Evaluator.evaluate(net, TEST, 50, dev.cortado.data.AugmentationPipeline.identity());
            assertEquals(128, r.samples());
            // Four well-separated classes: a working loop gets nearly all of them after 24 updates.
            assertTrue(r.top1() > 0.9, "top-1 " + r.top1());
            assertEquals(1.0, r.top5(), 0.0, "with 4 classes every label is in the top 5");
            long total = 0;
            for (long[] row : r.confusion()) {
                for (long v : row) {
                    total += v;
                }
            }
            assertEquals(128, total);
            assertTrue(t.lastEpoch().trainLoss() < Math.log(4), "loss below chance: " + t.lastEpoch().trainLoss());
            assertEquals(24, t.iteration(), "3 epochs of 256/32 batches");
        }
    }

    @Test
    void theSameSeedGivesBitIdenticalWeights() {
        Map<String, float[]> first;
        try (Network net = Synthetic.convnet(CPU, 3); Trainer t = Trainer.builder(net, TRAIN).config(config().build()).build()) {
            t.fit();
            first = state(t);
        }
        try (Network net = Synthetic.convnet(CPU, 3); Trainer t = Trainer.builder(net, TRAIN).config(config().build()).build()) {
            t.fit();
            assertBitIdentical(first, state(t));
        }
    }

    @Test
    void theLoaderWorkerCountDoesNotChangeTheWeightsNorAResume() throws Exception {
        Map<String, float[]> one;
        try (Network net = Synthetic.convnet(CPU, 3); Trainer t = Trainer.builder(net, TRAIN).config(config().build())
                .workers(1).build()) {
            t.fit();
            one = state(t);
        }
        try (Network net = Synthetic.convnet(CPU, 3); Trainer t = Trainer.builder(net, TRAIN).config(config().build())
                .workers(3).build()) {
            t.fit();
            assertBitIdentical(one, state(t));
            assertTrue(t.lastEpoch().dataWaitShare() >= 0 && t.lastEpoch().dataWaitShare() <= 1,
                    "data wait share " + t.lastEpoch().dataWaitShare());
        }
        Path checkpoint = dir.resolve("workers.safetensors");
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(config().epochs(1).build()).workers(4).build()) {
            t.fit();
            t.saveCheckpoint(checkpoint);
        }
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(config().build()).workers(2).build()) {
            t.resume(checkpoint);
            t.fit();
            assertBitIdentical(one, state(t));
        }
    }

    @Test
    void pixelBatchesNormalizedOnTheDeviceTrainBitForBitAsFloatBatches() {
        dev.cortado.data.AugmentationPipeline transform = dev.cortado.data.AugmentationPipeline.of(
                new dev.cortado.data.RandomCrop(8, 8, 1), dev.cortado.data.HorizontalFlip.half(),
                new dev.cortado.data.Normalize(new float[] {0.3f}, new float[] {0.25f}));
        Map<String, float[]> floats;
        try (Network net = Synthetic.convnet(CPU, 3); Trainer t = Trainer.builder(net, TRAIN).config(config().build())
                .trainTransform(transform).build()) {
            t.fit();
            floats = state(t);
        }
        try (Network net = Synthetic.convnet(CPU, 3); Trainer t = Trainer.builder(net, TRAIN).config(config().build())
                .trainTransform(transform).pixelBatches(true).workers(2).build()) {
            t.fit();
            assertBitIdentical(floats, state(t));
        }
        try (Network net = Synthetic.convnet(CPU, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.builder(net, TRAIN).pixelBatches(true).build());
            assertTrue(e.getMessage().contains("ends in its normalization"), e.getMessage());
        }
    }

    @Test
    void resumingAfterOneEpochContinuesExactlyAsAnUninterruptedRun() throws Exception {
        Map<String, float[]> straight;
        try (Network net = Synthetic.convnet(CPU, 3); Trainer t = Trainer.builder(net, TRAIN).config(config().build()).build()) {
            t.fit();
            straight = state(t);
        }
        Path checkpoint = dir.resolve("epoch1.safetensors");
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(config().epochs(1).build()).build()) {
            t.fit();
            t.saveCheckpoint(checkpoint);
        }
        // A fresh backend, network (other init seed) and trainer: everything must come from the file.
        try (Backend fresh = new CpuBackend(2); Network net = Synthetic.convnet(fresh, 99);
             Trainer t = Trainer.builder(net, TRAIN).config(config().seed(12345).build()).build()) {
            t.resume(checkpoint);
            assertEquals(8, t.iteration());
            t.fit();
            assertEquals(16, t.iteration());
            assertBitIdentical(straight, state(t));
        }
    }

    @Test
    void aDivergedStepStopsNamingTheIterationAndLeavesTheLastCheckpointIntact() throws Exception {
        CheckpointSaver saver = new CheckpointSaver(dir);
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(config().epochs(1).build()).listener(saver).build()) {
            t.fit();
        }
        byte[] good = Files.readAllBytes(saver.last());
        // A learning rate of 1e30 overflows the weights within an update or two.
        TrainingConfig exploding = config().epochs(3)
                .optimizer(OptimizerSpec.defaults(OptimizerType.SGD).withLearningRate(1e30f)).build();
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(exploding).listener(new CheckpointSaver(dir)).build()) {
            DivergenceException e = assertThrows(DivergenceException.class, t::fit);
            assertTrue(e.getMessage().contains("iteration " + e.iteration()), e.getMessage());
            assertTrue(e.getMessage().contains("learning rate 1.0E30"), e.getMessage());
            assertTrue(e.iteration() <= 8, "detected within the first epoch, at iteration " + e.iteration());
        }
        assertArrayEquals(good, Files.readAllBytes(saver.last()), "the last good checkpoint is untouched");
    }

    @Test
    void skippingDivergedBatchesRunsTheEpochToItsEnd() {
        TrainingConfig exploding = config().epochs(1).onDivergence(DivergencePolicy.SKIP_BATCH)
                .optimizer(OptimizerSpec.defaults(OptimizerType.SGD).withLearningRate(1e30f)).build();
        List<IterationResult> steps = new ArrayList<>();
        TrainingListener record = new TrainingListener() {
            @Override
            public void onIterationEnd(Trainer trainer, IterationResult result) {
                steps.add(result);
            }
        };
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(exploding).listener(record).build()) {
            t.fit();
            assertEquals(8, t.iteration());
        }
        assertEquals(8, steps.size());
        assertTrue(steps.stream().anyMatch(IterationResult::skipped), "a 1e30 learning rate must diverge");
        assertTrue(!steps.get(0).skipped() && Float.isFinite(steps.get(0).loss()), "the first step is still finite");
    }

    @Test
    void resumingACheckpointOfAnotherModelNamesTheFirstMismatchingTensor() throws Exception {
        Path checkpoint = dir.resolve("conv.safetensors");
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(config().epochs(1).build()).build()) {
            t.saveCheckpoint(checkpoint);
        }
        try (Network other = NetworkBuilder.input(Shape.of(1, 8, 8)).conv2d("conv1", 8, 3, 1, 1).relu("relu1")
                .dense("fc", 4).build(CPU, 3)) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> TrainingCheckpoint.loadWeights(checkpoint, other));
            assertTrue(e.getMessage().contains("conv1.weight") && e.getMessage().contains("[8, 1, 3, 3]"),
                    e.getMessage());
        }
    }

    @Test
    void earlyStoppingEndsARunThatNoLongerImproves() {
        // No epoch can improve accuracy by more than 1.0, so only the first epoch counts as progress.
        EarlyStopping stopping = new EarlyStopping(1, 1.0);
        TrainingConfig frozen = config().epochs(10).build();
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(frozen).validationData(TEST).listener(stopping).build()) {
            t.fit();
            assertTrue(stopping.stoppedEarly());
            assertEquals(2, t.position().epoch(), "stopped after the second epoch");
        }
    }

    @Test
    void theMetricsLogHasAHeaderAndOneRowPerEpoch() throws Exception {
        Path csv = dir.resolve("metrics.csv");
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(config().build()).validationData(TEST)
                     .listener(new MetricsCsvLog(csv)).build()) {
            t.fit();
        }
        List<String> lines = Files.readAllLines(csv);
        assertEquals(3, lines.size());
        assertEquals(MetricsCsvLog.HEADER, lines.get(0));
        assertTrue(lines.get(2).startsWith("2,16,"), lines.get(2));
        assertEquals(10, lines.get(1).split(",", -1).length);
    }

    @Test
    void validationEveryNIterationsRunsWithinEpochsAndAtTheirEnds() {
        List<Long> validatedAt = new ArrayList<>();
        List<EpochResult> epochs = new ArrayList<>();
        TrainingListener record = new TrainingListener() {
            @Override
            public void onValidation(Trainer trainer, long iteration, EvaluationResult result) {
                validatedAt.add(iteration);
                assertEquals(128, result.samples());
            }

            @Override
            public void onEpochEnd(Trainer trainer, EpochResult result) {
                epochs.add(result);
            }
        };
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(config().validateEvery(3).build()).validationData(TEST)
                     .listener(record).build()) {
            t.fit();
        }
        // Two epochs of 8 iterations: every third iteration, and each epoch's end as well.
        assertEquals(List.of(3L, 6L, 9L, 12L, 15L), validatedAt);
        assertEquals(2, epochs.size());
        assertTrue(epochs.stream().allMatch(e -> e.validation() != null));
    }

    @Test
    void maxIterationsStopsMidEpoch() {
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(config().maxIterations(5).build()).build()) {
            t.fit();
            assertEquals(5, t.iteration());
            assertEquals(5, t.position().batch(), "the loader continues at the sixth batch");
        }
    }

    /** step(DeviceBatch) is fit()'s step: the same batches give bit-identical weights, losses and iterations. */
    @Test
    void aStepOnADeviceBatchIsTheStepFitRuns() {
        TrainingConfig config = config().maxIterations(3).build();
        List<Float> fitLosses = new ArrayList<>();
        Map<String, float[]> fitted;
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(config).listener(new TrainingListener() {
                 @Override
                 public void onIterationEnd(Trainer trainer, IterationResult result) {
                     fitLosses.add(result.loss());
                 }
             }).build()) {
            t.fit();
            fitted = state(t);
        }
        List<Float> stepLosses = new ArrayList<>();
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(config).build();
             DataLoader loader = DataLoader.builder(TRAIN).batchSize(config.batchSize()).shuffle(true)
                     .seed(config.seed()).build();
             DeviceBatch batch = new DeviceBatch(CPU)) {
            for (int i = 0; i < 3; i++) {
                batch.upload(loader.next());
                IterationResult r = t.step(batch);
                assertEquals(i + 1, r.iteration());
                assertEquals(32, r.batchSize());
                assertEquals(8, r.batchesPerEpoch(), "256 samples in batches of 32");
                stepLosses.add(r.loss());
            }
            assertEquals(3, t.iteration());
            assertEquals(LoaderPosition.START, t.position(), "only fit's loader moves the position");
            assertBitIdentical(fitted, state(t));
        }
        assertEquals(fitLosses, stepLosses);
    }

    @Test
    void aStepBeforeAnyUploadIsRefused() {
        try (Network net = Synthetic.convnet(CPU, 3);
             Trainer t = Trainer.builder(net, TRAIN).config(config().build()).build();
             DeviceBatch empty = new DeviceBatch(CPU)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.step(empty));
            assertTrue(e.getMessage().contains("upload"), e.getMessage());
            assertEquals(0, t.iteration());
        }
    }
}
