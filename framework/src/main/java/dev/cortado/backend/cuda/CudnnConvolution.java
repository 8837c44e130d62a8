package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ONE;
import static dev.cortado.backend.cuda.CudaContext.ZERO;
import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.ConvolutionOps;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnDeterminism;

/** Convolution through cuDNN, with algorithms chosen per shape under the workspace limit and determinism policy. */
final class CudnnConvolution implements ConvolutionOps {
    private static final int NOT_SUPPORTED = jcuda.jcudnn.cudnnStatus.CUDNN_STATUS_NOT_SUPPORTED;
    private final CudaContext ctx;

    CudnnConvolution(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** cuDNN's status for a call made while JCudnn's exceptions are on (a failing status arrives as an exception). */
    private static int status(CudaCalls.NativeCall call) {
        try {
            return call.invoke();
        } catch (jcuda.CudaException e) {
            return NOT_SUPPORTED;
        }
    }

    @Override
    public void forward(Tensor x, Tensor w, Conv2dSpec spec, Tensor y) {
        ConvKey key = new ConvKey(ConvKey.Direction.FORWARD, x.shape(), w.shape(), spec);
        key.validate("x", "y", y.shape());
        var xd = ctx.tensor(x.shape());
        var wd = ctx.filter(w.shape());
        var cd = ctx.convolution(spec);
        var yd = ctx.tensor(y.shape());
        ConvAlgorithmPerf algo = ctx.algorithms.choose(key, () -> {
            int[] max = new int[1];
            int[] returned = new int[1];
            CudaCalls.cudnn(key.direction().op(), "cudnnGetConvolutionForwardAlgorithmMaxCount",
                    () -> JCudnn.cudnnGetConvolutionForwardAlgorithmMaxCount(ctx.cudnn, max));
            cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[max[0]];
            for (int i = 0; i < perf.length; i++) {
                perf[i] = new cudnnConvolutionFwdAlgoPerf();
            }
            boolean measure = ctx.options.search() == CudnnOptions.AlgorithmSearch.MEASURE;
            CudaCalls.cudnn(key.direction().op(), measure ? "cudnnFindConvolutionForwardAlgorithm"
                    : "cudnnGetConvolutionForwardAlgorithm_v7", () -> measure
                    ? JCudnn.cudnnFindConvolutionForwardAlgorithm(ctx.cudnn, xd, wd, cd, yd, perf.length, returned, perf)
                    : JCudnn.cudnnGetConvolutionForwardAlgorithm_v7(ctx.cudnn, xd, wd, cd, yd, perf.length, returned, perf));
            List<ConvAlgorithmPerf> out = new ArrayList<>();
            for (int i = 0; i < returned[0]; i++) {
                var p = perf[i];
                out.add(new ConvAlgorithmPerf(p.algo, p.status, measure ? p.time : -1, p.memory,
                        p.determinism == cudnnDeterminism.CUDNN_DETERMINISTIC, p.mathType));
            }
            return ConvAlgorithmSelector.withQueriedWorkspaces(out, (a, bytes) -> status(
                    () -> JCudnn.cudnnGetConvolutionForwardWorkspaceSize(ctx.cudnn, xd, wd, cd, yd, a, bytes)));
        });
        ctx.useMathOf(spec, algo);
        var ws = ctx.workspace(key.direction().op(), algo.workspaceBytes());
        CudaCalls.cudnn(key.direction().op(), "cudnnConvolutionForward", () -> JCudnn.cudnnConvolutionForward(ctx.cudnn,
                ONE, xd, ptr(x), wd, ptr(w), cd, algo.algorithm(), ws, algo.workspaceBytes(), ZERO, yd, ptr(y)));
    }

    @Override
    public void backwardData(Tensor dy, Tensor w, Conv2dSpec spec, Tensor dx) {
        ConvKey key = new ConvKey(ConvKey.Direction.BACKWARD_DATA, dx.shape(), w.shape(), spec);
        key.validate("dx", "dy", dy.shape());
        var dxd = ctx.tensor(dx.shape());
        var wd = ctx.filter(w.shape());
        var cd = ctx.convolution(spec);
        var dyd = ctx.tensor(dy.shape());
        ConvAlgorithmPerf algo = ctx.algorithms.choose(key, () -> {
            int[] max = new int[1];
            int[] returned = new int[1];
            CudaCalls.cudnn(key.direction().op(), "cudnnGetConvolutionBackwardDataAlgorithmMaxCount",
                    () -> JCudnn.cudnnGetConvolutionBackwardDataAlgorithmMaxCount(ctx.cudnn, max));
            cudnnConvolutionBwdDataAlgoPerf[] perf = new cudnnConvolutionBwdDataAlgoPerf[max[0]];
            for (int i = 0; i < perf.length; i++) {
                perf[i] = new cudnnConvolutionBwdDataAlgoPerf();
            }
            boolean measure = ctx.options.search() == CudnnOptions.AlgorithmSearch.MEASURE;
            CudaCalls.cudnn(key.direction().op(), measure ? "cudnnFindConvolutionBackwardDataAlgorithm"
                    : "cudnnGetConvolutionBackwardDataAlgorithm_v7", () -> measure
                    ? JCudnn.cudnnFindConvolutionBackwardDataAlgorithm(ctx.cudnn, wd, dyd, cd, dxd, perf.length, returned, perf)
                    : JCudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(ctx.cudnn, wd, dyd, cd, dxd, perf.length, returned, perf));
            List<ConvAlgorithmPerf> out = new ArrayList<>();
            for (int i = 0; i < returned[0]; i++) {
                var p = perf[i];
                out.add(new ConvAlgorithmPerf(p.algo, p.status, measure ? p.time : -1, p.memory,
                        p.determinism == cudnnDeterminism.CUDNN_DETERMINISTIC, p.mathType));
            }
            return ConvAlgorithmSelector.withQueriedWorkspaces(out, (a, bytes) -> status(
                    () -> JCudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(ctx.cudnn, wd, dyd, cd, dxd, a, bytes)));
        });
        ctx.useMathOf(spec, algo);
        var ws = ctx.workspace(key.direction().op(), algo.workspaceBytes());
        CudaCalls.cudnn(key.direction().op(), "cudnnConvolutionBackwardData", () -> JCudnn.cudnnConvolutionBackwardData(
                ctx.cudnn, ONE, wd, ptr(w), dyd, ptr(dy), cd, algo.algorithm(), ws, algo.workspaceBytes(), ZERO, dxd, ptr(dx)));
    }

    @Override
    public void backwardFilter(Tensor x, Tensor dy, Conv2dSpec spec, Tensor dw) {
        ConvKey key = new ConvKey(ConvKey.Direction.BACKWARD_FILTER, x.shape(), dw.shape(), spec);
        key.validate("x", "dy", dy.shape());
        var xd = ctx.tensor(x.shape());
        var dwd = ctx.filter(dw.shape());
        var cd = ctx.convolution(spec);
        var dyd = ctx.tensor(dy.shape());
        ConvAlgorithmPerf algo = ctx.algorithms.choose(key, () -> {
            int[] max = new int[1];
            int[] returned = new int[1];
            CudaCalls.cudnn(key.direction().op(), "cudnnGetConvolutionBackwardFilterAlgorithmMaxCount",
                    () -> JCudnn.cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(ctx.cudnn, max));
            cudnnConvolutionBwdFilterAlgoPerf[] perf = new cudnnConvolutionBwdFilterAlgoPerf[max[0]];
            for (int i = 0; i < perf.length; i++) {
                perf[i] = new cudnnConvolutionBwdFilterAlgoPerf();
            }
            boolean measure = ctx.options.search() == CudnnOptions.AlgorithmSearch.MEASURE;
            CudaCalls.cudnn(key.direction().op(), measure ? "cudnnFindConvolutionBackwardFilterAlgorithm"
                    : "cudnnGetConvolutionBackwardFilterAlgorithm_v7", () -> measure
                    ? JCudnn.cudnnFindConvolutionBackwardFilterAlgorithm(ctx.cudnn, xd, dyd, cd, dwd, perf.length, returned, perf)
                    : JCudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(ctx.cudnn, xd, dyd, cd, dwd, perf.length, returned, perf));
            List<ConvAlgorithmPerf> out = new ArrayList<>();
            for (int i = 0; i < returned[0]; i++) {
                var p = perf[i];
                out.add(new ConvAlgorithmPerf(p.algo, p.status, measure ? p.time : -1, p.memory,
                        p.determinism == cudnnDeterminism.CUDNN_DETERMINISTIC, p.mathType));
            }
            return ConvAlgorithmSelector.withQueriedWorkspaces(out, (a, bytes) -> status(
                    () -> JCudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(ctx.cudnn, xd, dyd, cd, dwd, a, bytes)));
        });
        ctx.useMathOf(spec, algo);
        var ws = ctx.workspace(key.direction().op(), algo.workspaceBytes());
        CudaCalls.cudnn(key.direction().op(), "cudnnConvolutionBackwardFilter", () -> JCudnn.cudnnConvolutionBackwardFilter(
                ctx.cudnn, ONE, xd, ptr(x), dyd, ptr(dy), cd, algo.algorithm(), ws, algo.workspaceBytes(), ZERO, dwd, ptr(dw)));
    }
}
