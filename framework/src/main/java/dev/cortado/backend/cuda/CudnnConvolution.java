package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ONE;
import static dev.cortado.backend.cuda.CudaContext.ZERO;
import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.ConvolutionOps;
import dev.cortado.tensor.Tensor;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnTensorDescriptor;

/** Convolution through cuDNN, with algorithms chosen per shape under the workspace limit and determinism policy. */
final class CudnnConvolution implements ConvolutionOps {
    private final CudaContext ctx;

    CudnnConvolution(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** The cached algorithm for {@code key}, or the best of the ranking {@code calls} asks cuDNN for. */
    private <P> ConvAlgorithmPerf algorithm(ConvKey key, ConvAlgorithmQuery.Calls<P> calls) {
        return ctx.algorithms.choose(key, () -> ConvAlgorithmQuery.rank(key.direction(), ctx.options.search(), calls));
    }

    @Override
    public void forward(Tensor x, Tensor w, Conv2dSpec spec, Tensor y) {
        ConvKey key = new ConvKey(ConvKey.Direction.FORWARD, x.shape(), w.shape(), spec);
        key.validate("x", "y", y.shape());
        var xd = ctx.tensor(x.shape());
        var wd = ctx.filter(w.shape());
        var cd = ctx.convolution(spec);
        var yd = ctx.tensor(y.shape());
        ConvAlgorithmPerf algo = algorithm(key, new ForwardCalls(ctx.cudnn, xd, wd, cd, yd));
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
        ConvAlgorithmPerf algo = algorithm(key, new BackwardDataCalls(ctx.cudnn, wd, dyd, cd, dxd));
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
        ConvAlgorithmPerf algo = algorithm(key, new BackwardFilterCalls(ctx.cudnn, xd, dyd, cd, dwd));
        ctx.useMathOf(spec, algo);
        var ws = ctx.workspace(key.direction().op(), algo.workspaceBytes());
        CudaCalls.cudnn(key.direction().op(), "cudnnConvolutionBackwardFilter", () -> JCudnn.cudnnConvolutionBackwardFilter(
                ctx.cudnn, ONE, xd, ptr(x), dyd, ptr(dy), cd, algo.algorithm(), ws, algo.workspaceBytes(), ZERO, dwd, ptr(dw)));
    }

    /** The ranking calls of the forward pass: y = conv(x, w). */
    private record ForwardCalls(cudnnHandle h, cudnnTensorDescriptor x, cudnnFilterDescriptor w,
                                cudnnConvolutionDescriptor c, cudnnTensorDescriptor y)
            implements ConvAlgorithmQuery.Calls<cudnnConvolutionFwdAlgoPerf> {
        @Override
        public int maxCount(int[] count) {
            return JCudnn.cudnnGetConvolutionForwardAlgorithmMaxCount(h, count);
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
            return measure ? JCudnn.cudnnFindConvolutionForwardAlgorithm(h, x, w, c, y, r.length, returned, r)
                    : JCudnn.cudnnGetConvolutionForwardAlgorithm_v7(h, x, w, c, y, r.length, returned, r);
        }

        @Override
        public ConvAlgorithmPerf describe(cudnnConvolutionFwdAlgoPerf p) {
            return ConvAlgorithmQuery.entry(p.algo, p.status, p.time, p.memory, p.determinism, p.mathType);
        }

        @Override
        public int workspaceSize(int algorithm, long[] bytes) {
            return JCudnn.cudnnGetConvolutionForwardWorkspaceSize(h, x, w, c, y, algorithm, bytes);
        }
    }

    /** The ranking calls of the gradient with respect to the input: dx from w and dy. */
    private record BackwardDataCalls(cudnnHandle h, cudnnFilterDescriptor w, cudnnTensorDescriptor dy,
                                     cudnnConvolutionDescriptor c, cudnnTensorDescriptor dx)
            implements ConvAlgorithmQuery.Calls<cudnnConvolutionBwdDataAlgoPerf> {
        @Override
        public int maxCount(int[] count) {
            return JCudnn.cudnnGetConvolutionBackwardDataAlgorithmMaxCount(h, count);
        }

        @Override
        public cudnnConvolutionBwdDataAlgoPerf[] newRanking(int length) {
            cudnnConvolutionBwdDataAlgoPerf[] r = new cudnnConvolutionBwdDataAlgoPerf[length];
            for (int i = 0; i < length; i++) {
                r[i] = new cudnnConvolutionBwdDataAlgoPerf();
            }
            return r;
        }

        @Override
        public int rank(boolean measure, cudnnConvolutionBwdDataAlgoPerf[] r, int[] returned) {
            return measure ? JCudnn.cudnnFindConvolutionBackwardDataAlgorithm(h, w, dy, c, dx, r.length, returned, r)
                    : JCudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(h, w, dy, c, dx, r.length, returned, r);
        }

        @Override
        public ConvAlgorithmPerf describe(cudnnConvolutionBwdDataAlgoPerf p) {
            return ConvAlgorithmQuery.entry(p.algo, p.status, p.time, p.memory, p.determinism, p.mathType);
        }

        @Override
        public int workspaceSize(int algorithm, long[] bytes) {
            return JCudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(h, w, dy, c, dx, algorithm, bytes);
        }
    }

    /** The ranking calls of the gradient with respect to the filter: dw from x and dy. */
    private record BackwardFilterCalls(cudnnHandle h, cudnnTensorDescriptor x, cudnnTensorDescriptor dy,
                                       cudnnConvolutionDescriptor c, cudnnFilterDescriptor dw)
            implements ConvAlgorithmQuery.Calls<cudnnConvolutionBwdFilterAlgoPerf> {
        @Override
        public int maxCount(int[] count) {
            return JCudnn.cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(h, count);
        }

        @Override
        public cudnnConvolutionBwdFilterAlgoPerf[] newRanking(int length) {
            cudnnConvolutionBwdFilterAlgoPerf[] r = new cudnnConvolutionBwdFilterAlgoPerf[length];
            for (int i = 0; i < length; i++) {
                r[i] = new cudnnConvolutionBwdFilterAlgoPerf();
            }
            return r;
        }

        @Override
        public int rank(boolean measure, cudnnConvolutionBwdFilterAlgoPerf[] r, int[] returned) {
            return measure ? JCudnn.cudnnFindConvolutionBackwardFilterAlgorithm(h, x, dy, c, dw, r.length, returned, r)
                    : JCudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, x, dy, c, dw, r.length, returned, r);
        }

        @Override
        public ConvAlgorithmPerf describe(cudnnConvolutionBwdFilterAlgoPerf p) {
            return ConvAlgorithmQuery.entry(p.algo, p.status, p.time, p.memory, p.determinism, p.mathType);
        }

        @Override
        public int workspaceSize(int algorithm, long[] bytes) {
            return JCudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(h, x, dy, c, dw, algorithm, bytes);
        }
    }
}
