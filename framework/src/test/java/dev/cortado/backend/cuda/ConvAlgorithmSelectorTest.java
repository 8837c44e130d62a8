package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConvAlgorithmSelectorTest {
    private static final long MIB = 1L << 20;
    private static final ConvKey KEY = new ConvKey(ConvKey.Direction.FORWARD, Shape.nchw(64, 3, 32, 32),
            Shape.of(16, 3, 3, 3), Conv2dSpec.of(3, 1, 1));

    // Typical cudnnFind ranking: FFT fastest but memory hungry, Winograd non-deterministic, GEMM slow.
    private static final List<ConvAlgorithmPerf> RANKING = List.of(
            new ConvAlgorithmPerf(4, 0, 0.10f, 300 * MIB, true, 0),   // FFT
            new ConvAlgorithmPerf(7, 0, 0.12f, 4 * MIB, false, 0),    // Winograd non-fused
            new ConvAlgorithmPerf(1, 0, 0.20f, 1 * MIB, true, 0),     // implicit precomputed GEMM
            new ConvAlgorithmPerf(6, 9, 0.01f, 0, true, 0),           // NOT_SUPPORTED
            new ConvAlgorithmPerf(0, 0, 0.50f, 0, true, 0));          // implicit GEMM

    @Test
    void theFastestSuccessfulAlgorithmWithinTheLimitWins() {
        assertEquals(4, ConvAlgorithmSelector.pick(KEY, RANKING, CudnnOptions.DEFAULT).algorithm());
    }

    /** TF32 tensor cores only when asked for; fp16 conversion never, it would lose far more than TF32. */
    @Test
    void tensorCoreAlgorithmsOnlyWithTf32AndNeverWithFp16Conversion() {
        List<ConvAlgorithmPerf> ranking = List.of(
                new ConvAlgorithmPerf(1, 0, 0.05f, 0, true, ConvAlgorithmSelector.TENSOR_OP_MATH_ALLOW_CONVERSION),
                new ConvAlgorithmPerf(1, 0, 0.08f, 0, true, ConvAlgorithmSelector.TENSOR_OP_MATH),
                new ConvAlgorithmPerf(0, 0, 0.30f, 0, true, 0));
        assertEquals(0, ConvAlgorithmSelector.pick(KEY, ranking, CudnnOptions.DEFAULT).mathType());
        ConvAlgorithmPerf tf32 = ConvAlgorithmSelector.pick(KEY, ranking, CudnnOptions.DEFAULT.withTf32(true));
        assertEquals(ConvAlgorithmSelector.TENSOR_OP_MATH, tf32.mathType());
        assertEquals(0.08f, tf32.timeMs());
    }

    @Test
    void aSmallWorkspaceLimitExcludesHungryAlgorithms() {
        CudnnOptions o = CudnnOptions.DEFAULT.withWorkspaceLimit(8 * MIB);
        assertEquals(7, ConvAlgorithmSelector.pick(KEY, RANKING, o).algorithm());
        assertEquals(0, ConvAlgorithmSelector.pick(KEY, RANKING, o.withWorkspaceLimit(0)).algorithm());
    }

    @Test
    void deterministicModeAcceptsOnlyDeterministicAlgorithms() {
        CudnnOptions o = CudnnOptions.DEFAULT.withWorkspaceLimit(8 * MIB).withDeterministic(true);
        assertEquals(1, ConvAlgorithmSelector.pick(KEY, RANKING, o).algorithm());
    }

    @Test
    void failedAlgorithmsAreNeverChosenEvenWhenFastest() {
        List<ConvAlgorithmPerf> onlyFailed = List.of(new ConvAlgorithmPerf(6, 9, 0.01f, 0, true, 0));
        CudaException e = assertThrows(CudaException.class,
                () -> ConvAlgorithmSelector.pick(KEY, onlyFailed, CudnnOptions.DEFAULT.withDeterministic(true)));
        assertTrue(e.getMessage().startsWith("conv2d forward: choosing a cuDNN algorithm failed: none of the 1"
                + " algorithms for conv2d forward of input [64, 3, 32, 32]"), e.getMessage());
        assertTrue(e.getMessage().contains("in deterministic mode"), e.getMessage());
    }

    @Test
    void tensorCoreAlgorithmsAreSkippedBecauseTheDescriptorAsksForFullFp32Math() {
        List<ConvAlgorithmPerf> ranking = List.of(
                new ConvAlgorithmPerf(1, 0, 0.05f, 0, true, ConvAlgorithmSelector.TENSOR_OP_MATH),
                new ConvAlgorithmPerf(6, 0, 0.06f, 0, true, ConvAlgorithmSelector.TENSOR_OP_MATH_ALLOW_CONVERSION),
                new ConvAlgorithmPerf(1, 0, 0.20f, 0, true, 3),   // CUDNN_FMA_MATH
                new ConvAlgorithmPerf(0, 0, 0.30f, 0, true, 0));  // CUDNN_DEFAULT_MATH
        ConvAlgorithmPerf chosen = ConvAlgorithmSelector.pick(KEY, ranking, CudnnOptions.DEFAULT);
        assertEquals(1, chosen.algorithm());
        assertEquals(3, chosen.mathType(), "the FMA entry of algorithm 1, not its tensor-core twin");
    }

    @Test
    void convolutionShapesAreCheckedWithTheCpuBackendsMessages() {
        ShapeMismatchException wrongOutput = assertThrows(ShapeMismatchException.class,
                () -> KEY.validate("x", "y", Shape.nchw(64, 16, 30, 30)));
        assertEquals("conv2d forward: y must have shape [64, 16, 32, 32], got [64, 16, 30, 30]", wrongOutput.getMessage());
        ConvKey badGroups = new ConvKey(ConvKey.Direction.BACKWARD_DATA, Shape.nchw(2, 3, 8, 8), Shape.of(4, 3, 3, 3),
                Conv2dSpec.of(3, 1, 1).withGroups(2));
        ShapeMismatchException geometry = assertThrows(ShapeMismatchException.class,
                () -> badGroups.validate("dx", "dy", Shape.nchw(2, 4, 8, 8)));
        assertTrue(geometry.getMessage().startsWith("conv2d backwardData: "), geometry.getMessage());
        assertTrue(geometry.getMessage().endsWith("[dx [2, 3, 8, 8], weight [4, 3, 3, 3], " + badGroups.spec() + "]"),
                geometry.getMessage());
        assertEquals(Shape.nchw(64, 16, 32, 32), KEY.validate("x", "y", Shape.nchw(64, 16, 32, 32)));
    }

    @Test
    void theWorkspaceSizeQueryCanOnlyRaiseAnAlgorithmsNeedOrMarkItFailed() {
        List<ConvAlgorithmPerf> ranking = List.of(
                new ConvAlgorithmPerf(1, 0, 0.1f, 1 * MIB, true, 0),
                new ConvAlgorithmPerf(2, 0, 0.2f, 8 * MIB, true, 0),
                new ConvAlgorithmPerf(3, 0, 0.3f, 0, true, 0),
                new ConvAlgorithmPerf(4, 9, 0.0f, 0, true, 0));
        List<Integer> asked = new java.util.ArrayList<>();
        List<ConvAlgorithmPerf> checked = ConvAlgorithmSelector.withQueriedWorkspaces(ranking, (algo, bytes) -> {
            asked.add(algo);
            if (algo == 3) {
                return 9; // CUDNN_STATUS_NOT_SUPPORTED
            }
            bytes[0] = algo == 1 ? 6 * MIB : 2 * MIB;
            return 0;
        });
        assertEquals(List.of(1, 2, 3), asked, "failed algorithms are not asked");
        assertEquals(6 * MIB, checked.get(0).workspaceBytes(), "the query's larger figure wins");
        assertEquals(8 * MIB, checked.get(1).workspaceBytes(), "the ranking's larger figure stays");
        assertEquals(9, checked.get(2).status());
        assertEquals(ranking.get(3), checked.get(3));
        assertEquals(1, ConvAlgorithmSelector.pick(KEY, ranking, CudnnOptions.DEFAULT.withWorkspaceLimit(5 * MIB))
                .algorithm(), "on the ranking's figure alone algorithm 1 fits 5 MiB");
        assertThrows(CudaException.class, () -> ConvAlgorithmSelector.pick(KEY, checked,
                CudnnOptions.DEFAULT.withWorkspaceLimit(5 * MIB)), "with its real 6 MiB nothing fits");
    }

    @Test
    void heuristicRankingsWithoutTimesKeepCudnnsOrder() {
        List<ConvAlgorithmPerf> heuristic = List.of(
                new ConvAlgorithmPerf(2, 0, -1, 64 * MIB, true, 0),
                new ConvAlgorithmPerf(1, 0, -1, 0, true, 0));
        assertEquals(2, ConvAlgorithmSelector.pick(KEY, heuristic, CudnnOptions.DEFAULT).algorithm());
        assertEquals(1, ConvAlgorithmSelector.pick(KEY, heuristic, CudnnOptions.DEFAULT.withWorkspaceLimit(MIB)).algorithm());
    }

    @Test
    void theChoiceIsCachedPerShapeAndDirection() {
        ConvAlgorithmSelector s = new ConvAlgorithmSelector(CudnnOptions.DEFAULT);
        AtomicInteger searches = new AtomicInteger();
        s.choose(KEY, () -> { searches.incrementAndGet(); return RANKING; });
        s.choose(KEY, () -> { searches.incrementAndGet(); return RANKING; });
        ConvKey other = new ConvKey(ConvKey.Direction.BACKWARD_DATA, KEY.input(), KEY.weight(), KEY.spec());
        s.choose(other, () -> { searches.incrementAndGet(); return RANKING; });
        ConvKey otherBatch = new ConvKey(ConvKey.Direction.FORWARD, Shape.nchw(32, 3, 32, 32), KEY.weight(), KEY.spec());
        s.choose(otherBatch, () -> { searches.incrementAndGet(); return RANKING; });
        assertEquals(3, searches.get());
        assertEquals(3, s.cachedChoices());
    }

    @Test
    void theSharedWorkspaceGrowsToTheLargestNeedWithinTheLimit() {
        long limit = 64 * MIB;
        assertEquals(0, WorkspaceSizing.capacityFor(0, 0, limit));
        assertEquals(2 * MIB, WorkspaceSizing.capacityFor(0, 1000, limit), "grows in 2 MiB steps");
        assertEquals(2 * MIB, WorkspaceSizing.capacityFor(2 * MIB, MIB, limit), "never shrinks");
        assertEquals(6 * MIB, WorkspaceSizing.capacityFor(2 * MIB, 5 * MIB, limit));
        assertEquals(limit, WorkspaceSizing.capacityFor(0, limit - 1, limit), "the step stops at the limit");
        assertEquals(1000, WorkspaceSizing.capacityFor(0, 1000, 1000));
        assertThrows(IllegalStateException.class, () -> WorkspaceSizing.capacityFor(0, limit + 1, limit));
    }

    @Test
    void convolutionOutputDimsFollowTheDecksFormula() {
        // (N - F + 2P)/S + 1: a 7×7 input with a 3×3 filter at stride 2 gives 3×3.
        ConvKey k = new ConvKey(ConvKey.Direction.FORWARD, Shape.nchw(1, 1, 7, 7), Shape.of(1, 1, 3, 3),
                Conv2dSpec.of(3, 2, 0));
        assertEquals(Shape.nchw(1, 1, 3, 3), k.output());
        ConvKey dilated = new ConvKey(ConvKey.Direction.FORWARD, Shape.nchw(2, 4, 9, 9), Shape.of(6, 2, 3, 3),
                Conv2dSpec.of(3, 1, 2).withDilation(2).withGroups(2));
        assertEquals(Shape.nchw(2, 6, 9, 9), dilated.output());
    }

    /** Threads choosing at once (a backend used by one thread, then another) share one cache that loses nothing. */
    @Test
    void concurrentChoicesAgreeAndEveryKeyIsCachedOnce() throws Exception {
        ConvAlgorithmSelector selector = new ConvAlgorithmSelector(CudnnOptions.DEFAULT);
        int keys = 300;
        int threads = 4;
        AtomicInteger searches = new AtomicInteger();
        ConvAlgorithmPerf[][] seen = new ConvAlgorithmPerf[threads][keys];
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<Thread> workers = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int k = 0; k < keys; k++) {
                    ConvKey key = new ConvKey(ConvKey.Direction.FORWARD, Shape.nchw(k + 1, 3, 32, 32),
                            Shape.of(16, 3, 3, 3), Conv2dSpec.of(3, 1, 1));
                    seen[thread][k] = selector.choose(key, () -> {
                        searches.incrementAndGet();
                        return RANKING;
                    });
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(keys, selector.cachedChoices());
        assertTrue(searches.get() >= keys && searches.get() <= keys * threads, "searches: " + searches.get());
        for (int k = 0; k < keys; k++) {
            for (int t = 1; t < threads; t++) {
                assertTrue(seen[t][k] == seen[0][k], "key " + k + ": every thread uses the first choice stored");
            }
        }
    }
}
