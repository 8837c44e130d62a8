package dev.cortado.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.data.ByteImageDataset;
import dev.cortado.data.Dataset;
import dev.cortado.data.SampleShape;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.tensor.Shape;
import dev.cortado.train.Trainer;
import dev.cortado.train.TrainingConfig;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The plan against what the network, the optimizer and the trainer really take from the memory pool,
 * and the check that refuses a run before allocating.
 */
class MemoryPlanTest {
    /** conv → BN → ReLU → pool → dropout → dense: every kind of per-layer state. */
    private static NetworkSpec convnet() {
        return NetworkBuilder.input(Shape.of(1, 12, 12))
                .conv2d("conv1", 8, 3, 1, 1).batchNorm("bn1").relu("relu1").maxPool("pool1", 2, 2)
                .dropout("drop1", 0.25f).flatten("flat").dense("fc", 4).spec();
    }

    /** A residual block with an option-A shortcut, a concat and global pooling: graph-shaped state. */
    private static NetworkSpec residual() {
        return NetworkBuilder.input(Shape.of(3, 8, 8))
                .conv2d("stem", 4, 3, 1, 1).relu("stem_relu")
                .conv2d("conv_a", 8, 3, 2, 1).batchNorm("bn_a").relu("relu_a")
                .zeroPadShortcut("short", 8, 2, "stem_relu")
                .add("sum", "relu_a", "short")
                .conv2d("branch", 4, 1, 1, 0)
                .concat("cat", "sum", "branch")
                .globalAvgPool("gap").flatten("flat").dense("fc", 4).spec();
    }

    private static Dataset images(SampleShape shape, int n, long seed) {
        int size = shape.channels() * shape.height() * shape.width();
        byte[] pixels = new byte[n * size];
        byte[] labels = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) r.nextInt(4);
            for (int p = 0; p < size; p++) {
                pixels[i * size + p] = (byte) r.nextInt(256);
            }
        }
        return new ByteImageDataset("random", shape, pixels, labels, 4, List.of("a", "b", "c", "d"));
    }

    @Test
    void parametersAreCountedExactly() {
        for (NetworkSpec spec : List.of(convnet(), residual())) {
            try (Backend cpu = new CpuBackend(1); Network net = Network.build(spec, cpu, 1)) {
                MemoryPlan plan = MemoryPlan.of(spec, 16, OptimizerType.ADAM, 1);
                long buffers = net.summary().bufferValues();
                assertEquals(4 * net.parameterCount(), plan.gradientBytes());
                assertEquals(8 * net.parameterCount(), plan.optimizerStateBytes(), "adam's m and v");
                // Running statistics are buffers; the saved batch statistics and frozen-mode constants too.
                assertEquals(4 * (net.parameterCount() + 3 * buffers), plan.parameterBytes());
                assertEquals(0, MemoryPlan.of(spec, 16, OptimizerType.SGD, 1).optimizerStateBytes());
            }
        }
    }

    /**
     * Two epochs with a partial last batch and validation with its own partial batch, then the pool's
     * reserved bytes (every buffer it ever took from the heap, cached ones included) against the plan's
     * pooled categories: the plan is never below, and at most 2.5× above (it counts a partial batch as
     * large as a full one).
     */
    @Test
    void theEstimateBoundsWhatTrainingReallyTakesFromThePool() {
        record Case(NetworkSpec spec, SampleShape shape, OptimizerType optimizer) {
        }
        for (Case c : List.of(new Case(convnet(), new SampleShape(1, 12, 12), OptimizerType.ADAM),
                new Case(residual(), new SampleShape(3, 8, 8), OptimizerType.MOMENTUM))) {
            int batch = 16;
            MemoryPlan plan = MemoryPlan.of(c.spec(), batch, c.optimizer(), 2);
            long pooled = plan.parameterBytes() + plan.gradientBytes() + plan.optimizerStateBytes() + plan.activationBytes();
            long reserved;
            try (Backend cpu = new CpuBackend(2); Network net = Network.build(c.spec(), cpu, 1);
                 Trainer t = Trainer.builder(net, images(c.shape(), 70, 1))
                         .config(TrainingConfig.builder().epochs(2).batchSize(batch).seed(3)
                                 .optimizer(OptimizerSpec.defaults(c.optimizer())).build())
                         .validationData(images(c.shape(), 21, 2)).build()) {
                t.fit();
                reserved = cpu.memory().reservedBytes();
            }
            String what = c.spec().nodes().get(0).name() + "... " + plan + ": pooled plan " + pooled + " B, pool "
                    + reserved + " B";
            assertTrue(pooled >= reserved, "the plan must not underestimate: " + what);
            assertTrue(pooled <= 2.5 * reserved, "the plan should stay within 2.5x: " + what);
        }
    }

    @Test
    void theLargestBatchThatFitsIsTheLastWhosePlanFits() {
        NetworkSpec spec = convnet();
        MemoryPlan plan = MemoryPlan.of(spec, 1, OptimizerType.ADAM, 2);
        long available = plan.totalBytes() + 1000 * plan.bytesPerSample() + 17;
        int largest = plan.largestBatchThatFits(available);
        assertEquals(1001, largest);
        assertTrue(MemoryPlan.of(spec, largest, OptimizerType.ADAM, 2).totalBytes() <= available);
        assertTrue(MemoryPlan.of(spec, largest + 1, OptimizerType.ADAM, 2).totalBytes() > available);
        assertEquals(0, plan.largestBatchThatFits(plan.workspaceBytes()), "not even one sample");
    }

    @Test
    void aRunThatCannotFitStopsBeforeAllocatingWithTheNumbers() {
        // 60,000 channels of 28×28 into 100,000 units: 4.7·10¹² weights, which no heap or Java array holds.
        NetworkSpec huge = NetworkBuilder.input(Shape.of(1, 28, 28)).conv2d("conv", 60_000, 3, 1, 1)
                .flatten("flat").dense("fc", 100_000).spec();
        try (Backend cpu = new CpuBackend(1)) {
            long before = cpu.memory().reservedBytes();
            InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class,
                    () -> MemoryPlan.checked(huge, 64, OptimizerType.ADAM, cpu));
            assertEquals(before, cpu.memory().reservedBytes(), "nothing allocated");
            assertEquals(0, e.largestBatch());
            assertTrue(e.getMessage().startsWith("training at batch size 64 needs "), e.getMessage());
            assertTrue(e.getMessage().contains("but the Java heap has "), e.getMessage());
            assertTrue(e.getMessage().contains("parameter 'fc.weight' alone has 4,704,000,000,000 elements"), e.getMessage());
            assertTrue(e.getMessage().contains("even a batch of 1 does not fit"), e.getMessage());
        }
        // Wide but buildable: a batch of 2048 activations is too much for the heap, a smaller batch is not.
        NetworkSpec wide = NetworkBuilder.input(Shape.of(3, 64, 64)).conv2d("conv", 512, 3, 1, 1)
                .globalAvgPool("gap").flatten("flat").dense("fc", 10).spec();
        try (Backend cpu = new CpuBackend(1)) {
            long available = Runtime.getRuntime().maxMemory();
            int fits = MemoryPlan.of(wide, 1, OptimizerType.ADAM, 1).largestHostBatchThatFits(available);
            int tooMany = fits * 4 + 64;
            InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class,
                    () -> MemoryPlan.checked(wide, tooMany, OptimizerType.ADAM, cpu));
            assertTrue(e.largestBatch() >= 1 && e.largestBatch() <= fits, e.getMessage());
            assertTrue(e.getMessage().contains("the largest batch size that fits is " + e.largestBatch()), e.getMessage());
        }
    }

    @Test
    void aSpecWhoseShapesDoNotFitIsLeftToNetworkBuildToReport() {
        NetworkSpec bad = NetworkBuilder.input(Shape.of(8)).conv2d("conv", 4, 3, 1, 1).spec();
        try (Backend cpu = new CpuBackend(1)) {
            assertEquals(bad, MemoryPlan.checked(bad, 8, OptimizerType.SGD, cpu));
            assertThrows(IllegalArgumentException.class, () -> MemoryPlan.of(bad, 8, OptimizerType.SGD));
        }
    }

    @Test
    void bytesReadInBinaryUnits() {
        assertEquals("512 B", MemoryPlan.bytes(512));
        assertEquals("1.5 KiB", MemoryPlan.bytes(1536));
        assertEquals("2.0 GiB", MemoryPlan.bytes(2L << 30));
    }
}
