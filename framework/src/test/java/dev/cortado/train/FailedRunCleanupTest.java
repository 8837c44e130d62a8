package dev.cortado.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.data.DataLoaderException;
import dev.cortado.data.Dataset;
import dev.cortado.data.SampleShape;
import dev.cortado.nn.Network;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A run that fails (bad data in epoch 3, bad validation data, divergence, the heap running out)
 * through the library API, twice in one JVM: afterwards no data-loader or CPU worker thread is left
 * running, and once the trainer and the network are closed the memory pool has nothing in use.
 */
class FailedRunCleanupTest {
    private static final Dataset TRAIN = Synthetic.bars(100, 1);
    private static final Dataset TEST = Synthetic.bars(40, 2);

    /** Reads through to {@code data}, and throws on a read of sample {@code index} for which {@code fails} holds. */
    private record FailingDataset(Dataset data, IntPredicate fails) implements Dataset {
        /** Fails on the read after the first {@code healthy}, wherever it falls. */
        static FailingDataset afterReads(Dataset data, long healthy) {
            AtomicLong reads = new AtomicLong();
            return new FailingDataset(data, index -> reads.incrementAndGet() > healthy);
        }

        @Override
        public int size() {
            return data.size();
        }

        @Override
        public SampleShape sampleShape() {
            return data.sampleShape();
        }

        @Override
        public int numClasses() {
            return data.numClasses();
        }

        @Override
        public int label(int index) {
            return data.label(index);
        }

        @Override
        public int read(int index, float[] dst, int offset) {
            if (fails.test(index)) {
                throw new IllegalStateException("sample " + index + " is unreadable (simulated bad data)");
            }
            return data.read(index, dst, offset);
        }

        @Override
        public String description() {
            return "failing " + data.description();
        }
    }

    private static TrainingConfig.Builder config() {
        return TrainingConfig.builder().epochs(5).batchSize(16).seed(3)
                .optimizer(OptimizerSpec.defaults(OptimizerType.ADAM).withLearningRate(0.01f));
    }

    private static long cortadoThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("cortado-")).count();
    }

    /**
     * The cortado threads alive once at most {@code limit} remain, waiting up to 5 s for them to end:
     * ParallelLoop's workers end shortly after their backend closes, not within close().
     */
    private static long cortadoThreadsAtMost(long limit) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long n = cortadoThreads();
        while (n > limit && System.nanoTime() < deadline) {
            Thread.sleep(10);
            n = cortadoThreads();
        }
        return n;
    }

    /**
     * Runs a failing training twice; {@code run} builds the trainer from the network and must throw
     * {@code expected}. Checks the pool after closing trainer and network, and the threads after
     * closing the backend.
     */
    private static void failTwice(Class<? extends Throwable> expected, Function<Network, Trainer> run,
                                  Supplier<String> what) throws InterruptedException {
        // Other test classes may keep a shared backend's workers alive: count relative to them.
        long before = cortadoThreads();
        for (int attempt = 0; attempt < 2; attempt++) {
            CpuBackend cpu = new CpuBackend(2);
            try {
                try (Network net = Synthetic.convnet(cpu, 3); Trainer t = run.apply(net)) {
                    assertThrows(expected, t::fit, what.get());
                }
                assertEquals(0, cpu.memory().bytesInUse(), what.get() + ": pool bytes in use after closing");
            } finally {
                cpu.close();
            }
            assertTrue(cortadoThreadsAtMost(before) <= before, what.get() + ": threads left running: "
                    + Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith("cortado-")).toList());
        }
    }

    @Test
    void badDataInTheThirdEpoch() throws InterruptedException {
        // 100 samples in batches of 16: read 238 is in batch 2 of epoch 3, delivered in order by the loader.
        failTwice(DataLoaderException.class, net -> Trainer.builder(net, FailingDataset.afterReads(TRAIN, 2 * 100 + 37))
                .config(config().build()).validationData(TEST).build(), () -> "bad training data");
    }

    @Test
    void badValidationDataInTheSecondEpoch() throws InterruptedException {
        // Armed after the first epoch, sample 20 fails in the second validation pass, in its second batch:
        // the evaluator has then allocated its per-batch tensors.
        failTwice(DataLoaderException.class, net -> {
            AtomicBoolean armed = new AtomicBoolean();
            return Trainer.builder(net, TRAIN).config(config().build())
                    .validationData(new FailingDataset(TEST, index -> armed.get() && index == 20))
                    .listener(new TrainingListener() {
                        @Override
                        public void onEpochEnd(Trainer trainer, EpochResult result) {
                            armed.set(true);
                        }
                    }).build();
        }, () -> "bad validation data");
    }

    @Test
    void divergenceInTheThirdEpoch() throws InterruptedException {
        // From read 238 on every pixel is NaN: the loss of that batch is NaN, and the default policy stops.
        failTwice(DivergenceException.class, net -> Trainer.builder(net, new NaNAfter(TRAIN, 2 * 100 + 37))
                .config(config().build()).build(), () -> "divergence");
    }

    /** Reads through to {@code data} for the first {@code healthy} reads, then returns all-NaN samples. */
    private record NaNAfter(Dataset data, long healthy, AtomicLong reads) implements Dataset {
        NaNAfter(Dataset data, long healthy) {
            this(data, healthy, new AtomicLong());
        }

        @Override
        public int size() {
            return data.size();
        }

        @Override
        public SampleShape sampleShape() {
            return data.sampleShape();
        }

        @Override
        public int numClasses() {
            return data.numClasses();
        }

        @Override
        public int label(int index) {
            return data.label(index);
        }

        @Override
        public int read(int index, float[] dst, int offset) {
            int label = data.read(index, dst, offset);
            if (reads.incrementAndGet() > healthy) {
                java.util.Arrays.fill(dst, offset, offset + sampleShape().size(), Float.NaN);
            }
            return label;
        }

        @Override
        public String description() {
            return "poisoned " + data.description();
        }
    }

    @Test
    void theHeapRunningOutMidEpoch() throws InterruptedException {
        failTwice(OutOfMemoryError.class, net -> Trainer.builder(net, TRAIN).config(config().build())
                .listener(new TrainingListener() {
                    @Override
                    public void onIterationEnd(Trainer trainer, IterationResult result) {
                        if (result.iteration() == 17) {
                            throw new OutOfMemoryError("Java heap space (simulated)");
                        }
                    }
                }).build(), () -> "out of memory");
    }

    @Test
    void theFailingDatasetFailsWhereItShould() {
        FailingDataset d = FailingDataset.afterReads(TRAIN, 3);
        float[] dst = new float[64];
        for (int i = 0; i < 3; i++) {
            d.read(i, dst, 0);
        }
        assertTrue(assertThrows(IllegalStateException.class, () -> d.read(3, dst, 0)).getMessage().contains("sample 3"));
    }
}
