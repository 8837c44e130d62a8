package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.tensor.Shape;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnDeterminism;
import org.junit.jupiter.api.Test;

/**
 * The one algorithm query of all three convolution directions, against a fake cuDNN that fills JCudnn's
 * own ranking structs (plain Java objects: no native library is loaded).
 */
class ConvAlgorithmQueryTest {
    private static final long MIB = 1L << 20;
    private static final int NOT_SUPPORTED = 9;

    /** cuDNN with 8 algorithms, of which the ranking returns 3; records what it was asked. */
    private static final class FakeCudnn implements ConvAlgorithmQuery.Calls<cudnnConvolutionFwdAlgoPerf> {
        final List<String> asked = new ArrayList<>();
        int rankStatus;

        @Override
        public int maxCount(int[] count) {
            asked.add("maxCount");
            count[0] = 8;
            return 0;
        }

        @Override
        public cudnnConvolutionFwdAlgoPerf[] newRanking(int length) {
            cudnnConvolutionFwdAlgoPerf[] r = new cudnnConvolutionFwdAlgoPerf[length];
            for (int i = 0; i < length; i++) {
                r[i] = new cudnnConvolutionFwdAlgoPerf();
            }
            return r;
        }

        @Override
        public int rank(boolean measure, cudnnConvolutionFwdAlgoPerf[] r, int[] returned) {
            asked.add((measure ? "find " : "get ") + r.length);
            fill(r[0], 1, 0, 0.2f, MIB, cudnnDeterminism.CUDNN_DETERMINISTIC, 0);
            fill(r[1], 7, 0, 0.1f, 4 * MIB, cudnnDeterminism.CUDNN_NON_DETERMINISTIC, 1);
            fill(r[2], 6, NOT_SUPPORTED, 0.05f, 0, cudnnDeterminism.CUDNN_DETERMINISTIC, 0);
            returned[0] = 3;
            return rankStatus;
        }

        private static void fill(cudnnConvolutionFwdAlgoPerf p, int algo, int status, float time, long memory,
                                 int determinism, int mathType) {
            p.algo = algo;
            p.status = status;
            p.time = time;
            p.memory = memory;
            p.determinism = determinism;
            p.mathType = mathType;
        }

        @Override
        public ConvAlgorithmPerf describe(cudnnConvolutionFwdAlgoPerf p) {
            return ConvAlgorithmQuery.entry(p.algo, p.status, p.time, p.memory, p.determinism, p.mathType);
        }

        @Override
        public int workspaceSize(int algorithm, long[] bytes) {
            asked.add("workspace " + algorithm);
            if (algorithm == 7) {
                // JCudnn with exceptions on throws rather than return the failing status
                throw new jcuda.CudaException("CUDNN_STATUS_NOT_SUPPORTED");
            }
            bytes[0] = 3 * MIB;
            return 0;
        }
    }

    @Test
    void aMeasuredRankingKeepsItsTimesAndTakesTheWorkspaceTheSizeQueryAnswers() {
        FakeCudnn cudnn = new FakeCudnn();
        List<ConvAlgorithmPerf> ranking = ConvAlgorithmQuery.rank(ConvKey.Direction.FORWARD,
                CudnnOptions.AlgorithmSearch.MEASURE, cudnn);
        assertEquals(List.of("maxCount", "find 8", "workspace 1", "workspace 7"), cudnn.asked,
                "room for every algorithm; the failed one is not asked its size");
        assertEquals(List.of(
                new ConvAlgorithmPerf(1, 0, 0.2f, 3 * MIB, true, 0),
                new ConvAlgorithmPerf(7, NOT_SUPPORTED, 0.1f, 4 * MIB, false, 1),
                new ConvAlgorithmPerf(6, NOT_SUPPORTED, 0.05f, 0, true, 0)), ranking,
                "only the returned entries; a size query that throws marks its algorithm unsupported");
    }

    @Test
    void aHeuristicRankingHasNoTimes() {
        FakeCudnn cudnn = new FakeCudnn();
        List<ConvAlgorithmPerf> ranking = ConvAlgorithmQuery.rank(ConvKey.Direction.BACKWARD_DATA,
                CudnnOptions.AlgorithmSearch.HEURISTIC, cudnn);
        assertEquals("get 8", cudnn.asked.get(1));
        assertEquals(List.of(-1f, -1f, -1f), ranking.stream().map(ConvAlgorithmPerf::timeMs).toList(),
                "cudnnGet*_v7 estimates no time, so the selector keeps cuDNN's order");
        ConvKey key = new ConvKey(ConvKey.Direction.BACKWARD_DATA, Shape.nchw(1, 1, 4, 4), Shape.of(1, 1, 3, 3),
                Conv2dSpec.of(3, 1, 1));
        assertEquals(1, ConvAlgorithmSelector.pick(key, ranking, CudnnOptions.DEFAULT).algorithm(),
                "cuDNN's first entry; the other two failed");
    }

    @Test
    void aFailingRankingCallIsNamedWithTheDirectionsOpAndFunction() {
        FakeCudnn cudnn = new FakeCudnn();
        cudnn.rankStatus = 3;
        CudaException e = assertThrows(CudaException.class, () -> ConvAlgorithmQuery.rank(
                ConvKey.Direction.BACKWARD_FILTER, CudnnOptions.AlgorithmSearch.HEURISTIC, cudnn));
        assertEquals("conv2d backwardFilter: cudnnGetConvolutionBackwardFilterAlgorithm_v7 failed:"
                + " CUDNN_STATUS_BAD_PARAM", e.getMessage());
    }

    /** The names in error messages are JCudnn's functions (read by reflection, which loads no native code). */
    @Test
    void theCallNamesOfEveryDirectionAreCudnnFunctions() {
        Set<String> functions = Arrays.stream(JCudnn.class.getMethods()).map(Method::getName).collect(Collectors.toSet());
        for (ConvKey.Direction d : ConvKey.Direction.values()) {
            for (String call : List.of(ConvAlgorithmQuery.maxCountCall(d), ConvAlgorithmQuery.rankCall(d, true),
                    ConvAlgorithmQuery.rankCall(d, false), "cudnnGetConvolution" + d.cudnnName() + "WorkspaceSize",
                    "cudnnConvolution" + d.cudnnName())) {
                assertTrue(functions.contains(call), d + ": " + call + " is not a JCudnn function");
            }
        }
    }
}
