package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ONE;
import static dev.cortado.backend.cuda.CudaContext.ZERO;
import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.Activation;
import dev.cortado.backend.ActivationOps;
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
        ActivationOps.checkForward(activation, x, y);
        String op = activation + " forward";
        int mode = cudnnMode(activation);
        if (mode >= 0) {
            var d = ctx.tensor(x.shape());
            CudaCalls.cudnn(op, "cudnnActivationForward", () -> JCudnn.cudnnActivationForward(ctx.cudnn,
                    ctx.activation(mode), ONE, d, ptr(x), ZERO, d, ptr(y)));
        } else {
            ctx.kernels.launch(op, Kernel.ACTIVATION_FORWARD, x.size(), kernelKind(activation), activation.alpha(),
                    ptr(x), ptr(y), x.size());
        }
    }

    @Override
    public void backward(Activation activation, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        ActivationOps.checkBackward(activation, x, y, dy, dx);
        String op = activation + " backward";
        int mode = cudnnMode(activation);
        if (mode >= 0) {
            var d = ctx.tensor(x.shape());
            CudaCalls.cudnn(op, "cudnnActivationBackward", () -> JCudnn.cudnnActivationBackward(ctx.cudnn,
                    ctx.activation(mode), ONE, d, ptr(y), d, ptr(dy), d, ptr(x), ZERO, d, ptr(dx)));
        } else {
            ctx.kernels.launch(op, Kernel.ACTIVATION_BACKWARD, x.size(), kernelKind(activation), activation.alpha(),
                    ptr(x), ptr(y), ptr(dy), ptr(dx), x.size());
        }
    }

    @Override
    public void preluForward(Tensor x, Tensor slope, Tensor y) {
        ActivationOps.checkPreluForward(x, slope, y);
        String op = "PReLU forward";
        ctx.kernels.launch(op, Kernel.PRELU_FORWARD, x.size(), ptr(x), ptr(slope), ptr(y), x.size(),
                x.shape().channels(), (long) x.shape().spatialSize());
    }

    @Override
    public void preluBackward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dslope) {
        ActivationOps.checkPreluBackward(x, slope, dy, dx, dslope);
        String op = "PReLU backward";
        ctx.kernels.launch(op, Kernel.PRELU_BACKWARD_DATA, x.size(), ptr(x), ptr(slope), ptr(dy), ptr(dx), x.size(),
                x.shape().channels(), (long) x.shape().spatialSize());
        ctx.kernels.launchBlocks(op, Kernel.PRELU_BACKWARD_SLOPE, x.shape().channels(), ptr(x), ptr(dy), ptr(dslope),
                (long) x.shape().batch(), x.shape().channels(), (long) x.shape().spatialSize());
    }

    private void softmax(String op, int algorithm, Tensor x, Tensor y) {
        ActivationOps.checkSoftmaxForward(op, x, y);
        var d = ctx.tensor(x.shape());
        CudaCalls.cudnn(op, "cudnnSoftmaxForward", () -> JCudnn.cudnnSoftmaxForward(ctx.cudnn, algorithm,
                cudnnSoftmaxMode.CUDNN_SOFTMAX_MODE_CHANNEL, ONE, d, ptr(x), ZERO, d, ptr(y)));
    }

    private void softmaxBack(String op, int algorithm, Tensor y, Tensor dy, Tensor dx) {
        ActivationOps.checkSoftmaxBackward(op, y, dy, dx);
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
