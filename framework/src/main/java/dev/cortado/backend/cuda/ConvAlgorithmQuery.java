package dev.cortado.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.jcudnn.cudnnDeterminism;
import jcuda.jcudnn.cudnnStatus;

/**
 * Asks cuDNN for the algorithm ranking of one convolution direction, the same way for all three: how
 * many algorithms there are (cudnnGetConvolution*AlgorithmMaxCount), their ranking (cudnnFind* measures
 * each one, cudnnGet*_v7 only estimates, so its times are reported as unknown), then each usable one's
 * workspace as cudnnGetConvolution*WorkspaceSize answers it ({@link ConvAlgorithmSelector#withQueriedWorkspaces}).
 * What differs per direction is only which JCudnn functions and which AlgoPerf struct type; a {@link Calls}
 * adapter supplies those, so this logic runs in tests without a device.
 */
final class ConvAlgorithmQuery {
    private ConvAlgorithmQuery() {
    }

    /**
     * One direction's cuDNN calls over its own ranking struct type {@code P} (cudnnConvolutionFwdAlgoPerf,
     * ...BwdDataAlgoPerf, ...BwdFilterAlgoPerf: the same fields, no common type). Each returns a cuDNN status.
     */
    interface Calls<P> {
        /** cudnnGetConvolution*AlgorithmMaxCount into {@code count[0]}. */
        int maxCount(int[] count);

        /** An array of {@code length} fresh structs for the ranking call to fill. */
        P[] newRanking(int length);

        /** cudnnFindConvolution*Algorithm when {@code measure}, else cudnnGetConvolution*Algorithm_v7. */
        int rank(boolean measure, P[] ranking, int[] returned);

        /** One filled struct, through {@link ConvAlgorithmQuery#entry}. */
        ConvAlgorithmPerf describe(P ranked);

        /** cudnnGetConvolution*WorkspaceSize of one algorithm into {@code bytes[0]}. */
        int workspaceSize(int algorithm, long[] bytes);
    }

    /** The cuDNN function names of a direction ({@code Forward}, {@code BackwardData}, {@code BackwardFilter}). */
    static String maxCountCall(ConvKey.Direction d) {
        return "cudnnGetConvolution" + d.cudnnName() + "AlgorithmMaxCount";
    }

    static String rankCall(ConvKey.Direction d, boolean measure) {
        return measure ? "cudnnFindConvolution" + d.cudnnName() + "Algorithm"
                : "cudnnGetConvolution" + d.cudnnName() + "Algorithm_v7";
    }

    /** A ranked struct's fields in JCudnn-free form; {@code determinism} is the cudnnDeterminism_t value. */
    static ConvAlgorithmPerf entry(int algorithm, int status, float timeMs, long workspaceBytes, int determinism,
                                   int mathType) {
        return new ConvAlgorithmPerf(algorithm, status, timeMs, workspaceBytes,
                determinism == cudnnDeterminism.CUDNN_DETERMINISTIC, mathType);
    }

    /** The ranking of {@code direction}'s algorithms, each with its workspace checked; failures name the call. */
    static <P> List<ConvAlgorithmPerf> rank(ConvKey.Direction direction, CudnnOptions.AlgorithmSearch search,
                                            Calls<P> calls) {
        String op = direction.op();
        int[] max = new int[1];
        CudaCalls.cudnn(op, maxCountCall(direction), () -> calls.maxCount(max));
        P[] ranking = calls.newRanking(max[0]);
        boolean measure = search == CudnnOptions.AlgorithmSearch.MEASURE;
        int[] returned = new int[1];
        CudaCalls.cudnn(op, rankCall(direction, measure), () -> calls.rank(measure, ranking, returned));
        List<ConvAlgorithmPerf> out = new ArrayList<>(returned[0]);
        for (int i = 0; i < returned[0]; i++) {
            ConvAlgorithmPerf p = calls.describe(ranking[i]);
            out.add(measure ? p : new ConvAlgorithmPerf(p.algorithm(), p.status(), -1, p.workspaceBytes(),
                    p.deterministic(), p.mathType()));
        }
        return ConvAlgorithmSelector.withQueriedWorkspaces(out,
                (algorithm, bytes) -> statusOf(() -> calls.workspaceSize(algorithm, bytes)));
    }

    /**
     * cuDNN's status for a call made while JCudnn's exceptions are on: a failing status arrives as an
     * exception, which for a workspace query only marks that one algorithm unusable.
     */
    static int statusOf(CudaCalls.NativeCall call) {
        try {
            return call.invoke();
        } catch (jcuda.CudaException e) {
            return cudnnStatus.CUDNN_STATUS_NOT_SUPPORTED;
        }
    }
}
