package dev.cortado.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.data.Dataset;
import dev.cortado.data.LoaderPosition;
import dev.cortado.distributed.Collective;
import dev.cortado.distributed.DataParallel;
import dev.cortado.distributed.ReplicaFailedException;
import dev.cortado.distributed.SharedMemoryCollective;
import dev.cortado.distributed.Work;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkBuilder;
import dev.cortado.nn.NetworkSpec;
import dev.cortado.nn.Parameter;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training on CPU replicas against training on one device: the same global batch gives the
 * same losses to rounding, a seed repeats bit for bit, a checkpoint resumes on another number of replicas,
 * and a failing replica stops the run without leaving the others waiting.
 */
class DataParallelTrainingTest {
    private static final List<Backend> CPUS = List.of(new CpuBackend(1), new CpuBackend(1), new CpuBackend(1));
    private static final Dataset TRAIN = Synthetic.bars(256, 1);
    private static final Dataset TEST = Synthetic.bars(128, 2);
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @AfterAll
    static void closeBackends() {
        CPUS.forEach(Backend::close);
    }

    private static TrainingConfig.Builder config() {
        return TrainingConfig.builder().epochs(2).batchSize(32).seed(7)
                .optimizer(OptimizerSpec.defaults(OptimizerType.ADAM).withLearningRate(0.01f));
    }

    private static DataParallel replicas(NetworkSpec spec, int k) {
        return DataParallel.build(spec, CPUS.subList(0, k), 3);
    }

    /** Replica {@code r}'s parameters, buffers and optimizer state, as host arrays by name. */
    private static Map<String, float[]> state(Trainer t, int r) {
        Network net = t.replicas().network(r);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Parameter p : net.parameters()) {
            out.put(p.name(), net.backend().download(p.value()));
        }
        net.buffers().forEach((k, v) -> out.put(k, net.backend().download(v)));
        t.optimizer(r).state().forEach((k, v) -> out.put("optimizer/" + k, net.backend().download(v)));
        return out;
    }

    private static void assertBitIdentical(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), 0f, () -> "tensor " + k + " differs"));
    }

    private static void assertClose(Map<String, float[]> expected, Map<String, float[]> actual, float tolerance) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> {
            float[] a = actual.get(k);
            for (int i = 0; i < v.length; i++) {
                float bound = tolerance * Math.max(1f, Math.abs(v[i]));
                int at = i;
                assertEquals(v[i], a[i], bound, () -> "tensor " + k + " element " + at);
            }
        });
    }

    private static List<Float> fit(Trainer t, List<Float> losses) {
        assertTimeoutPreemptively(LIMIT, t::fit);
        return losses;
    }

    private static TrainingListener recordLosses(List<Float> losses) {
        return new TrainingListener() {
            @Override
            public void onIterationEnd(Trainer trainer, IterationResult result) {
                losses.add(result.loss());
            }
        };
    }

    @Test
    void oneReplicaIsTheSingleDeviceTrainerBitForBit() {
        Map<String, float[]> single;
        try (Network net = Network.build(Synthetic.convnetSpec(), CPUS.get(0), 3);
             Trainer t = Trainer.builder(net, TRAIN).config(config().build()).validationData(TEST).build()) {
            t.fit();
            single = state(t, 0);
        }
        try (DataParallel dp = replicas(Synthetic.convnetSpec(), 1);
             Trainer t = Trainer.builder(dp, TRAIN).config(config().build()).validationData(TEST).build()) {
            t.fit();
            assertBitIdentical(single, state(t, 0));
        }
    }

    /**
     * Without batch norm a replica's forward pass depends on its own rows only, and the dropout masks on a
     * sample's row in the global batch; each replica's loss gradient carries its half of the 1/N, exactly.
     * What differs is where the gradient sums over samples are rounded (two sums of 16 added, rather than
     * one of 32) — a few float ulps per step, which Adam's updates then carry into the later steps.
     */
    @Test
    void twoReplicasFollowOneDeviceOnTheSameGlobalBatch() {
        TrainingConfig c = config().epochs(1).build();
        List<Float> single = new ArrayList<>();
        Map<String, float[]> singleState;
        try (DataParallel dp = replicas(Synthetic.convnetWithoutBatchNorm(), 1);
             Trainer t = Trainer.builder(dp, TRAIN).config(c).listener(recordLosses(single)).build()) {
            fit(t, single);
            singleState = state(t, 0);
        }
        List<Float> two = new ArrayList<>();
        try (DataParallel dp = replicas(Synthetic.convnetWithoutBatchNorm(), 2);
             Trainer t = Trainer.builder(dp, TRAIN).config(c).listener(recordLosses(two)).build()) {
            fit(t, two);
            assertBitIdentical(state(t, 0), state(t, 1));
            assertClose(singleState, state(t, 0), 1e-4f);
        }
        assertEquals(8, two.size());
        // The first step sees the same weights: its loss differs only in how the mean was rounded.
        assertEquals(single.get(0), two.get(0), 4 * Math.ulp(single.get(0)), "step 1");
        for (int i = 1; i < 4; i++) {
            assertEquals(single.get(i), two.get(i), 1e-5f * single.get(i), "step " + (i + 1));
        }
    }

    @Test
    void twoRunsOnTwoReplicasWithTheSameSeedAreBitIdentical() {
        Map<String, float[]> first;
        List<Float> firstLosses = new ArrayList<>();
        try (DataParallel dp = replicas(Synthetic.convnetSpec(), 2);
             Trainer t = Trainer.builder(dp, TRAIN).config(config().build()).validationData(TEST)
                     .listener(recordLosses(firstLosses)).build()) {
            fit(t, firstLosses);
            first = state(t, 0);
            // Same weights and optimizer state on both replicas; the batch-norm statistics averaged at the end.
            assertBitIdentical(first, state(t, 1));
        }
        List<Float> secondLosses = new ArrayList<>();
        try (DataParallel dp = replicas(Synthetic.convnetSpec(), 2);
             Trainer t = Trainer.builder(dp, TRAIN).config(config().build()).validationData(TEST)
                     .listener(recordLosses(secondLosses)).build()) {
            fit(t, secondLosses);
            assertBitIdentical(first, state(t, 0));
        }
        assertEquals(firstLosses, secondLosses);
    }

    @Test
    void batchNormStatisticsAreAveragedOverTheReplicasBeforeACheckpoint() throws Exception {
        Path checkpoint = dir.resolve("bn.safetensors");
        try (DataParallel dp = replicas(Synthetic.convnetSpec(), 2);
             Trainer t = Trainer.builder(dp, TRAIN).config(config().maxIterations(3).build()).build()) {
            // Three steps by hand, so that the replicas' statistics differ (each saw other rows) when saved.
            for (int i = 0; i < 3; i++) {
                try (var loader = dev.cortado.data.DataLoader.builder(TRAIN).batchSize(32).build()) {
                    t.scatter(loader.next());
                }
                t.step();
            }
            float[] mean0 = CPUS.get(0).download(dp.network(0).buffers().get("bn1.running_mean"));
            float[] mean1 = CPUS.get(1).download(dp.network(1).buffers().get("bn1.running_mean"));
            assertTrue(mean0[0] != mean1[0], "each replica normalizes with its own batch's statistics");
            t.saveCheckpoint(checkpoint);
            float[] saved = CPUS.get(0).download(dp.network(0).buffers().get("bn1.running_mean"));
            for (int c = 0; c < saved.length; c++) {
                assertEquals((mean0[c] + mean1[c]) / 2, saved[c], 1e-6f * Math.abs(saved[c]) + 1e-7f);
            }
            assertArrayEquals(saved, CPUS.get(1).download(dp.network(1).buffers().get("bn1.running_mean")), 0f);
        }
    }

    /**
     * A checkpoint of two replicas resumes on one and on three at the same global sample position. Without
     * batch norm, one replica then continues as the two would have, to rounding.
     */
    @Test
    void aCheckpointOfTwoReplicasResumesOnOneAndOnThree() throws Exception {
        NetworkSpec spec = Synthetic.convnetWithoutBatchNorm();
        Map<String, float[]> straight;
        try (DataParallel dp = replicas(spec, 2);
             Trainer t = Trainer.builder(dp, TRAIN).config(config().build()).build()) {
            fit(t, new ArrayList<>());
            straight = state(t, 0);
        }
        Path checkpoint = dir.resolve("half.safetensors");
        try (DataParallel dp = replicas(spec, 2);
             Trainer t = Trainer.builder(dp, TRAIN).config(config().maxIterations(12).build()).build()) {
            fit(t, new ArrayList<>());
            assertEquals(new LoaderPosition(1, 4), t.position());
            t.saveCheckpoint(checkpoint);
        }
        try (DataParallel dp = replicas(spec, 1);
             Trainer t = Trainer.builder(dp, TRAIN).config(config().build()).build()) {
            t.resume(checkpoint);
            assertEquals(12, t.iteration());
            assertEquals(new LoaderPosition(1, 4), t.position());
            fit(t, new ArrayList<>());
            assertEquals(16, t.iteration());
            assertClose(straight, state(t, 0), 1e-4f);
        }
        try (DataParallel dp = replicas(spec, 3);
             Trainer t = Trainer.builder(dp, TRAIN).config(config().build()).build()) {
            t.resume(checkpoint);
            // Every replica starts from the file's weights and optimizer state.
            assertBitIdentical(state(t, 0), state(t, 2));
            fit(t, new ArrayList<>());
            assertEquals(16, t.iteration());
            assertBitIdentical(state(t, 0), state(t, 2));
            assertClose(straight, state(t, 0), 1e-4f);
        }
    }

    /** 33 samples in batches of 32: the last batch has one row, and the second replica none. */
    @Test
    void aReplicaWithoutRowsInAShortLastBatchContributesZeroGradients() {
        Dataset small = Synthetic.bars(33, 5);
        TrainingConfig c = config().epochs(1).build();
        Map<String, float[]> single;
        try (DataParallel dp = replicas(Synthetic.convnetWithoutBatchNorm(), 1);
             Trainer t = Trainer.builder(dp, small).config(c).build()) {
            fit(t, new ArrayList<>());
            single = state(t, 0);
        }
        List<Integer> sizes = new ArrayList<>();
        try (DataParallel dp = replicas(Synthetic.convnetWithoutBatchNorm(), 2);
             Trainer t = Trainer.builder(dp, small).config(c).listener(new TrainingListener() {
                 @Override
                 public void onIterationEnd(Trainer trainer, IterationResult result) {
                     sizes.add(result.batchSize());
                 }
             }).build()) {
            fit(t, new ArrayList<>());
            assertClose(single, state(t, 0), 1e-4f);
            assertBitIdentical(state(t, 0), state(t, 1));
        }
        assertEquals(List.of(32, 1), sizes);
    }

    @Test
    void aReplicaThatFailsStopsTheRunNamingItsDeviceAndNobodyWaitsForIt() {
        // Replica 1's transport fails on its first all-reduce; replica 0 must not wait for it forever.
        java.util.function.Function<List<Backend>, List<Collective>> failing = backends -> {
            List<Collective> group = SharedMemoryCollective.group(backends.size());
            List<Collective> out = new ArrayList<>(group);
            out.set(1, new FailingRank(group.get(1)));
            return out;
        };
        try (DataParallel dp = DataParallel.build(Synthetic.convnetSpec(), CPUS.subList(0, 2), 3,
                DataParallel.DEFAULT_BUCKET_BYTES, failing);
             Trainer t = Trainer.builder(dp, TRAIN).config(config().build()).build()) {
            ReplicaFailedException e = assertTimeoutPreemptively(LIMIT,
                    () -> assertThrows(ReplicaFailedException.class, t::fit));
            assertEquals(1, e.replica());
            assertTrue(e.getMessage().startsWith("replica 1 on cpu failed: the link to replica 1 broke"), e.getMessage());
            assertEquals(0, t.iteration(), "no replica applied the step");
            // The group stays aborted: a second try fails at once instead of training one replica alone.
            assertThrows(ReplicaFailedException.class, t::fit);
        }
    }

    /** Replica 1's handle on the group, whose all-reduce fails as a broken link would. */
    private record FailingRank(Collective inner) implements Collective {
        @Override
        public int rank() {
            return inner.rank();
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public Work allReduce(List<Tensor> tensors) {
            throw new IllegalStateException("the link to replica 1 broke");
        }

        @Override
        public void broadcast(List<Tensor> tensors, int root) {
            inner.broadcast(tensors, root);
        }

        @Override
        public void barrier() {
            inner.barrier();
        }

        @Override
        public void abort(Throwable cause) {
            inner.abort(cause);
        }

        @Override
        public long allReduceNanos() {
            return inner.allReduceNanos();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /** A replica holding rows 2 to 5 of a batch draws the dropout mask those rows get in the whole batch. */
    @Test
    void dropoutMasksFollowTheSamplesRowInTheGlobalBatch() {
        NetworkSpec spec = NetworkBuilder.input(Shape.of(3, 5)).dropout("drop", 0.5f).spec();
        Backend cpu = CPUS.get(0);
        float[] ones = new float[6 * 15];
        java.util.Arrays.fill(ones, 1f);
        try (Network net = Network.build(spec, cpu, 1);
             Tensor whole = cpu.upload(Shape.of(6, 3, 5), ones);
             Tensor part = cpu.upload(Shape.of(4, 3, 5), java.util.Arrays.copyOf(ones, 4 * 15))) {
            net.setDropoutSeed(99);
            float[] wholeMask = cpu.download(net.forward(whole, Mode.TRAIN));
            net.setDropoutSeed(99, 2);
            float[] partMask = cpu.download(net.forward(part, Mode.TRAIN));
            assertArrayEquals(java.util.Arrays.copyOfRange(wholeMask, 2 * 15, 6 * 15), partMask, 0f);
            assertTrue(java.util.Arrays.equals(wholeMask, 0, 4 * 15, partMask, 0, 4 * 15) == false,
                    "another offset, another mask");
        }
    }
}
