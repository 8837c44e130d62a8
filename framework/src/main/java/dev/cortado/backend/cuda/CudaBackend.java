package dev.cortado.backend.cuda;

import dev.cortado.backend.ActivationOps;
import dev.cortado.backend.Backend;
import dev.cortado.backend.BackendUnavailableException;
import dev.cortado.backend.BlasOps;
import dev.cortado.backend.ConvolutionOps;
import dev.cortado.backend.DropoutOps;
import dev.cortado.backend.LossOps;
import dev.cortado.backend.NormalizationOps;
import dev.cortado.backend.OptimizerOps;
import dev.cortado.backend.PoolingOps;
import dev.cortado.backend.TensorOps;
import dev.cortado.tensor.Device;

/**
 * The CUDA backend: cuDNN for convolution, pooling, normalization, activations and softmax; cuBLAS for
 * GEMM, scal and axpy; NVRTC-compiled kernels for the rest. All work is queued on one stream; only
 * reading scalars or copying to the host waits for it.
 *
 * <p>Each entry point — every op family's accessor, the memory pool, synchronize, close — first makes
 * this backend's device current on the calling thread, so a {@code cuda:1} backend may be used from any
 * thread (one at a time) without its allocations, cuDNN and cuBLAS calls landing on device 0. Keep the op
 * families as the accessors return them per call rather than across threads.
 */
public final class CudaBackend implements Backend {
    private final CudaContext ctx;
    private final CudnnConvolution convolution;
    private final CudnnPooling pooling;
    private final CudnnNormalization normalization;
    private final CublasBlas blas;
    private final CudaActivations activations;
    private final CudaLosses losses;
    private final CudaDropout dropout;
    private final CudaTensorOps tensors;
    private final CudaOptimizers optimizers;

    private CudaBackend(CudaContext ctx) {
        this.ctx = ctx;
        CudaReductions reductions = new CudaReductions(ctx);
        this.convolution = new CudnnConvolution(ctx);
        this.pooling = new CudnnPooling(ctx);
        this.normalization = new CudnnNormalization(ctx);
        this.blas = new CublasBlas(ctx);
        this.activations = new CudaActivations(ctx);
        this.losses = new CudaLosses(ctx, reductions);
        this.dropout = new CudaDropout(ctx);
        this.tensors = new CudaTensorOps(ctx, reductions);
        this.optimizers = new CudaOptimizers(ctx);
    }

    /** A backend on GPU {@code ordinal} of a report that says CUDA is available; otherwise explains why not. */
    public static CudaBackend open(DeviceReport report, int ordinal, CudnnOptions options) {
        if (!report.available()) {
            throw new BackendUnavailableException("the CUDA backend cannot run: " + report.reason());
        }
        if (ordinal < 0 || ordinal >= report.gpus().size()) {
            throw new BackendUnavailableException("no CUDA device cuda:" + ordinal + "; this machine has "
                    + report.gpus().size());
        }
        return new CudaBackend(new CudaContext(report.gpus().get(ordinal), report.driverVersion(), options));
    }

    public CudnnOptions options() {
        return ctx.options;
    }

    /** What the in-process CUDA transport needs of this backend: its device, streams, memory and kernels. */
    CudaContext context() {
        return ctx;
    }

    public GpuInfo gpu() {
        return ctx.gpu;
    }

    @Override
    public String name() {
        return ctx.device.toString();
    }

    @Override
    public Device device() {
        return ctx.device;
    }

    /** This backend's {@code ops}, with its device made current on the calling thread. */
    private <T> T bound(T ops) {
        ctx.binding.bind();
        return ops;
    }

    @Override
    public CudaMemoryPool memory() {
        return bound(ctx.memory);
    }

    @Override
    public ConvolutionOps convolution() {
        return bound(convolution);
    }

    @Override
    public PoolingOps pooling() {
        return bound(pooling);
    }

    @Override
    public NormalizationOps normalization() {
        return bound(normalization);
    }

    @Override
    public BlasOps blas() {
        return bound(blas);
    }

    @Override
    public ActivationOps activations() {
        return bound(activations);
    }

    @Override
    public LossOps losses() {
        return bound(losses);
    }

    @Override
    public DropoutOps dropout() {
        return bound(dropout);
    }

    @Override
    public TensorOps tensors() {
        return bound(tensors);
    }

    @Override
    public OptimizerOps optimizers() {
        return bound(optimizers);
    }

    @Override
    public void synchronize() {
        ctx.binding.bind();
        ctx.synchronize("synchronize");
    }

    @Override
    public void close() {
        ctx.close();
    }

    @Override
    public String toString() {
        return name() + " (" + ctx.gpu.name() + ")";
    }
}
