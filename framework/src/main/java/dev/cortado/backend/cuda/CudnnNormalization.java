package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ONE;
import static dev.cortado.backend.cuda.CudaContext.ZERO;
import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.BatchNormSpec;
import dev.cortado.backend.LrnSpec;
import dev.cortado.backend.NormalizationOps;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Tensor;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnBatchNormMode;
import jcuda.jcudnn.cudnnLRNMode;

/**
 * Batch normalization in cuDNN's spatial mode (statistics per channel over N, H, W; an [N, F] input is
 * described as [N, F, 1, 1], which makes them per feature over N) and cross-channel LRN. cuDNN's running
 * statistics follow {@link BatchNormSpec}: factor = momentum, unbiased variance; its saved inverse
 * variance is 1/sqrt(σ² + ε), the savedInvStd of the interface.
 */
final class CudnnNormalization implements NormalizationOps {
    private static final int SPATIAL = cudnnBatchNormMode.CUDNN_BATCHNORM_SPATIAL;
    private final CudaContext ctx;

    CudnnNormalization(CudaContext ctx) {
        this.ctx = ctx;
    }


    @Override
    public void batchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta, BatchNormSpec spec, Tensor runningMean,
                                         Tensor runningVar, Tensor y, Tensor savedMean, Tensor savedInvStd) {
        String op = "batch norm training forward";
        NormalizationOps.checkBatchNormTraining(x, gamma, beta, runningMean, runningVar, y, savedMean, savedInvStd);
        var xd = ctx.tensor(x.shape());
        CudaCalls.cudnn(op, "cudnnBatchNormalizationForwardTraining", () -> JCudnn.cudnnBatchNormalizationForwardTraining(
                ctx.cudnn, SPATIAL, ONE, ZERO, xd, ptr(x), xd, ptr(y), ctx.tensor(CudnnShapes.perChannel(x.shape())),
                ptr(gamma), ptr(beta), spec.momentum(), ptr(runningMean), ptr(runningVar), spec.epsilon(),
                ptr(savedMean), ptr(savedInvStd)));
    }

    @Override
    public void batchNormInferenceForward(Tensor x, Tensor gamma, Tensor beta, BatchNormSpec spec, Tensor runningMean,
                                          Tensor runningVar, Tensor y) {
        String op = "batch norm inference forward";
        NormalizationOps.checkBatchNormInference(x, gamma, beta, runningMean, runningVar, y);
        var xd = ctx.tensor(x.shape());
        CudaCalls.cudnn(op, "cudnnBatchNormalizationForwardInference", () -> JCudnn.cudnnBatchNormalizationForwardInference(
                ctx.cudnn, SPATIAL, ONE, ZERO, xd, ptr(x), xd, ptr(y), ctx.tensor(CudnnShapes.perChannel(x.shape())),
                ptr(gamma), ptr(beta), ptr(runningMean), ptr(runningVar), spec.epsilon()));
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, BatchNormSpec spec, Tensor savedMean,
                                  Tensor savedInvStd, Tensor dx, Tensor dgamma, Tensor dbeta) {
        String op = "batch norm backward";
        NormalizationOps.checkBatchNormBackward(x, dy, gamma, savedMean, savedInvStd, dx, dgamma, dbeta);
        var xd = ctx.tensor(x.shape());
        CudaCalls.cudnn(op, "cudnnBatchNormalizationBackward", () -> JCudnn.cudnnBatchNormalizationBackward(ctx.cudnn,
                SPATIAL, ONE, ZERO, ONE, ZERO, xd, ptr(x), xd, ptr(dy), xd, ptr(dx),
                ctx.tensor(CudnnShapes.perChannel(x.shape())), ptr(gamma), ptr(dgamma), ptr(dbeta), spec.epsilon(),
                ptr(savedMean), ptr(savedInvStd)));
    }

    @Override
    public void lrnForward(Tensor x, LrnSpec spec, Tensor y) {
        ShapeCheck.rank("LRN forward", "x", x, 4);
        ShapeCheck.same("LRN forward", "x", x, "y", y);
        if (x.buffer() == y.buffer()) {
            // as on the CPU: each output channel's window reads its neighbours' inputs
            throw new IllegalArgumentException("LRN forward: y must not share memory with x " + x.shape());
        }
        var xd = ctx.tensor(x.shape());
        CudaCalls.cudnn("LRN forward", "cudnnLRNCrossChannelForward", () -> JCudnn.cudnnLRNCrossChannelForward(ctx.cudnn,
                ctx.lrn(spec), cudnnLRNMode.CUDNN_LRN_CROSS_CHANNEL_DIM1, ONE, xd, ptr(x), ZERO, xd, ptr(y)));
    }

    @Override
    public void lrnBackward(Tensor x, Tensor y, Tensor dy, LrnSpec spec, Tensor dx) {
        ShapeCheck.rank("LRN backward", "x", x, 4);
        ShapeCheck.same("LRN backward", "x", x, "y", y);
        ShapeCheck.same("LRN backward", "x", x, "dy", dy);
        ShapeCheck.same("LRN backward", "x", x, "dx", dx);
        var xd = ctx.tensor(x.shape());
        CudaCalls.cudnn("LRN backward", "cudnnLRNCrossChannelBackward", () -> JCudnn.cudnnLRNCrossChannelBackward(
                ctx.cudnn, ctx.lrn(spec), cudnnLRNMode.CUDNN_LRN_CROSS_CHANNEL_DIM1, ONE, xd, ptr(y), xd, ptr(dy),
                xd, ptr(x), ZERO, xd, ptr(dx)));
    }
}
