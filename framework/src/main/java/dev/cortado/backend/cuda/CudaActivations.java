package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ONE;
import static dev.cortado.backend.cuda.CudaContext.ZERO;
import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.Activation;
import dev.cortado.backend.ActivationOps;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnActivationMode;
import jcuda.jcudnn.cudnnSoftmaxAlgorithm;
import jcuda.jcudnn.cudnnSoftmaxMode;

/**
 * ReLU, sigmoid and tanh on cuDNN; leaky ReLU, ELU, softplus and swish on the kernels of
 * activation_math.cuh (cuDNN has no leaky ReLU or softplus, and its swish and ELU backward need
 * cuDNN 8.2+ semantics we cannot test here); PReLU on kernels; softmax and log-softmax on cuDNN's
 * channel mode (per batch index and spatial position, over dimension 1).
 */
final class CudaActivations implements ActivationOps {
    private static final String MODULE = "activations";
    private final CudaContext ctx;

    CudaActivations(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** cuDNN's mode, or -1 for the kinds our kernels compute. */
    private static int cudnnMode(Activation a) {
        return switch (a.kind()) {
            case RELU -> cudnnActivationMode.CUDNN_ACTIVATION_RELU;
            case SIGMOID -> cudnnActivationMode.CUDNN_ACTIVATION_SIGMOID;
            case TANH -> cudnnActivationMode.CUDNN_ACTIVATION_TANH;
            default -> -1;
        };
    }

    /** The kind codes of activation_math.cuh. */
    static int kernelKind(Activation a) {
        return switch (a.kind()) {
            case LEAKY_RELU -> 0;
            case ELU -> 1;
            case SOFTPLUS -> 2;
            case SWISH -> 3;
            default -> throw new IllegalArgumentException(a + " runs on cuDNN, not on a custom kernel");
        };
    }

    @Override
    public void forward(Activation activation, Tensor x, Tensor y) {
        String op = activation + " forward";
        ShapeCheck.same(op, "x", x, "y", y);
        int mode = cudnnMode(activation);
        if (mode >= 0) {
            var d = ctx.tensor(x.shape());
            CudaCalls.cudnn(op, "cudnnActivationForward", () -> JCudnn.cudnnActivationForward(ctx.cudnn,
                    ctx.activation(mode), ONE, d, ptr(x), ZERO, d, ptr(y)));
        } else {
            ctx.kernels.launch(op, MODULE, "activation_forward", x.size(), kernelKind(activation), activation.alpha(),
                    ptr(x), ptr(y), x.size());
        }
    }

    @Override
    public void backward(Activation activation, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        String op = activation + " backward";
        ShapeCheck.same(op, "x", x, "y", y);
        ShapeCheck.same(op, "x", x, "dy", dy);
        ShapeCheck.same(op, "x", x, "dx", dx);
        int mode = cudnnMode(activation);
        if (mode >= 0) {
            var d = ctx.tensor(x.shape());
            CudaCalls.cudnn(op, "cudnnActivationBackward", () -> JCudnn.cudnnActivationBackward(ctx.cudnn,
                    ctx.activation(mode), ONE, d, ptr(y), d, ptr(dy), d, ptr(x), ZERO, d, ptr(dx)));
        } else {
            ctx.kernels.launch(op, MODULE, "activation_backward", x.size(), kernelKind(activation), activation.alpha(),
                    ptr(x), ptr(y), ptr(dy), ptr(dx), x.size());
        }
    }

    @Override
    public void preluForward(Tensor x, Tensor slope, Tensor y) {
        String op = "PReLU forward";
        requireRankAtLeast2(op, x);
        ShapeCheck.same(op, "x", x, "y", y);
        ShapeCheck.perChannel(op, "slope", slope, x);
        ctx.kernels.launch(op, MODULE, "prelu_forward", x.size(), ptr(x), ptr(slope), ptr(y), x.size(),
                x.shape().channels(), (long) x.shape().spatialSize());
    }

    @Override
    public void preluBackward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dslope) {
        String op = "PReLU backward";
        requireRankAtLeast2(op, x);
        ShapeCheck.same(op, "x", x, "dy", dy);
        ShapeCheck.same(op, "x", x, "dx", dx);
        ShapeCheck.perChannel(op, "slope", slope, x);
        ShapeCheck.perChannel(op, "dslope", dslope, x);
        ctx.kernels.launch(op, MODULE, "prelu_backward_data", x.size(), ptr(x), ptr(slope), ptr(dy), ptr(dx), x.size(),
                x.shape().channels(), (long) x.shape().spatialSize());
        ctx.kernels.launchBlocks(op, MODULE, "prelu_backward_slope", x.shape().channels(), ptr(x), ptr(dy), ptr(dslope),
                (long) x.shape().batch(), x.shape().channels(), (long) x.shape().spatialSize());
    }

    private static void requireRankAtLeast2(String op, Tensor x) {
        if (x.shape().rank() < 2) {
            throw new ShapeMismatchException(op + ": x must be [N, C, ...], got " + x.shape());
        }
    }

    /** cuDNN's channel mode on [N, C] (as [N, C, 1, 1]) or [N, C, H, W]; other ranks are refused like on the CPU. */
    private static void requireSoftmaxRank(String op, Tensor x) {
        int rank = x.shape().rank();
        if (rank != 2 && rank != 4) {
            throw new ShapeMismatchException(op + ": x must be [N, C] or [N, C, H, W], got " + x.shape());
        }
    }

    private void softmax(String op, int algorithm, Tensor x, Tensor y) {
        requireSoftmaxRank(op, x);
        ShapeCheck.same(op, "x", x, "y", y);
        var d = ctx.tensor(x.shape());
        CudaCalls.cudnn(op, "cudnnSoftmaxForward", () -> JCudnn.cudnnSoftmaxForward(ctx.cudnn, algorithm,
                cudnnSoftmaxMode.CUDNN_SOFTMAX_MODE_CHANNEL, ONE, d, ptr(x), ZERO, d, ptr(y)));
    }

    private void softmaxBack(String op, int algorithm, Tensor y, Tensor dy, Tensor dx) {
        requireSoftmaxRank(op, y);
        ShapeCheck.same(op, "y", y, "dy", dy);
        ShapeCheck.same(op, "y", y, "dx", dx);
        var d = ctx.tensor(y.shape());
        CudaCalls.cudnn(op, "cudnnSoftmaxBackward", () -> JCudnn.cudnnSoftmaxBackward(ctx.cudnn, algorithm,
                cudnnSoftmaxMode.CUDNN_SOFTMAX_MODE_CHANNEL, ONE, d, ptr(y), d, ptr(dy), ZERO, d, ptr(dx)));
    }

    @Override
    public void softmaxForward(Tensor x, Tensor y) {
        softmax("softmax forward", cudnnSoftmaxAlgorithm.CUDNN_SOFTMAX_ACCURATE, x, y);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        softmaxBack("softmax backward", cudnnSoftmaxAlgorithm.CUDNN_SOFTMAX_ACCURATE, y, dy, dx);
    }

    @Override
    public void logSoftmaxForward(Tensor x, Tensor y) {
        softmax("log-softmax forward", cudnnSoftmaxAlgorithm.CUDNN_SOFTMAX_LOG, x, y);
    }

    @Override
    public void logSoftmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        softmaxBack("log-softmax backward", cudnnSoftmaxAlgorithm.CUDNN_SOFTMAX_LOG, y, dy, dx);
    }
}
