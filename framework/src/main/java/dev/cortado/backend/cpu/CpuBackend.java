package dev.cortado.backend.cpu;

import dev.cortado.backend.ActivationOps;
import dev.cortado.backend.Backend;
import dev.cortado.backend.BlasOps;
import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.ConvolutionOps;
import dev.cortado.backend.DropoutOps;
import dev.cortado.backend.LossOps;
import dev.cortado.backend.NormalizationOps;
import dev.cortado.backend.OptimizerOps;
import dev.cortado.backend.PoolingOps;
import dev.cortado.backend.TensorOps;
import dev.cortado.tensor.Device;
import dev.cortado.tensor.MemoryPool;
import dev.cortado.tensor.Shape;

/**
 * The reference backend: pure Java, multi-threaded, convolution and dense layers on a
 * Vector API GEMM. Ops run synchronously on the calling thread plus the loop's workers. Its settings
 * (threads, vector or scalar kernels, how convolution algorithms are chosen) come in a {@link CpuOptions}.
 */
public final class CpuBackend implements Backend {
    private final CpuOptions options;
    private final HostMemoryPool memory = new HostMemoryPool();
    private final ParallelLoop loop;
    private final CpuGemm gemm;
    private final CpuConvolution convolution;
    private final CpuPooling pooling;
    private final CpuNormalization normalization;
    private final CpuBlas blas;
    private final CpuActivations activations;
    private final CpuLosses losses;
    private final CpuDropout dropout;
    private final CpuTensorOps tensors;
    private final CpuOptimizers optimizers;

    /** All cores, vector kernels where the JVM can run them: {@link CpuOptions#defaults()}. */
    public CpuBackend() {
        this(CpuOptions.defaults());
    }

    /** {@code threads} threads, vector kernels where the JVM can run them. */
    public CpuBackend(int threads) {
        this(CpuOptions.defaults().withThreads(threads));
    }

    public CpuBackend(CpuOptions options) {
        this.options = options;
        this.loop = new ParallelLoop(options.threads());
        this.gemm = new CpuGemm(loop, options.kernels());
        this.convolution = new CpuConvolution(loop, gemm, options);
        this.pooling = new CpuPooling(loop);
        this.normalization = new CpuNormalization(loop, options.kernels());
        this.blas = new CpuBlas(gemm);
        this.activations = new CpuActivations(loop, options.kernels());
        this.losses = new CpuLosses(loop);
        this.dropout = new CpuDropout(loop);
        this.tensors = new CpuTensorOps(loop);
        this.optimizers = new CpuOptimizers(loop);
    }

    public int threads() {
        return loop.threads();
    }

    public CpuOptions options() {
        return options;
    }

    /**
     * Whether this backend's kernels can run {@code algorithm} on the convolution of {@code input} by
     * {@code weight} (whatever the thresholds say), so that tests force each algorithm only where it applies.
     */
    public boolean canRun(CpuConvAlgorithm algorithm, Shape input, Shape weight, Conv2dSpec spec) {
        return convolution.canRun(algorithm, input, weight, spec);
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public MemoryPool memory() {
        return memory;
    }

    @Override
    public ConvolutionOps convolution() {
        return convolution;
    }

    @Override
    public PoolingOps pooling() {
        return pooling;
    }

    @Override
    public NormalizationOps normalization() {
        return normalization;
    }

    @Override
    public BlasOps blas() {
        return blas;
    }

    @Override
    public ActivationOps activations() {
        return activations;
    }

    @Override
    public LossOps losses() {
        return losses;
    }

    @Override
    public DropoutOps dropout() {
        return dropout;
    }

    @Override
    public TensorOps tensors() {
        return tensors;
    }

    @Override
    public OptimizerOps optimizers() {
        return optimizers;
    }

    @Override
    public void synchronize() {
        // CPU ops complete before they return.
    }

    @Override
    public void close() {
        loop.close();
    }

    @Override
    public String toString() {
        boolean scalar = options.kernels() == CpuOptions.Kernels.SCALAR;
        return "cpu (" + loop.threads() + " threads" + (scalar ? ", scalar kernels" : "") + ")";
    }
}
