package dev.cortado.backend.cuda;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.LrnSpec;
import dev.cortado.backend.Pool2dSpec;
import dev.cortado.tensor.Device;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasPointerMode;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionMode;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnLRNDescriptor;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnNanPropagation;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnPoolingMode;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaStream_t;

/**
 * What every op family of one CUDA backend shares: the device, its one stream, the cuBLAS and cuDNN
 * handles bound to that stream, the memory pool, the kernels, the pinned staging buffer, the one cuDNN
 * workspace, and the descriptors cached per shape or spec.
 *
 * <p>A backend may be used from any thread, one thread at a time (a data-parallel replica's thread, then
 * the main thread to validate or save): {@link #binding} makes the device current on the calling thread
 * at each entry, and the descriptor caches are concurrent maps, so that no lookup can corrupt them.
 */
final class CudaContext implements AutoCloseable {
    static final Pointer ONE = Pointer.to(new float[] {1f});
    static final Pointer ZERO = Pointer.to(new float[] {0f});

    final Device device;
    final DeviceBinding binding;
    final GpuInfo gpu;
    final CudnnOptions options;
    final cudaStream_t stream = new cudaStream_t();
    final cublasHandle cublas = new cublasHandle();
    final cudnnHandle cudnn = new cudnnHandle();
    final CudaMemoryPool memory;
    final CudaKernels kernels;
    final PinnedStaging staging;
    final ConvAlgorithmSelector algorithms;

    private final Map<List<Integer>, cudnnTensorDescriptor> tensorDescriptors = new ConcurrentHashMap<>();
    private final Map<Shape, cudnnFilterDescriptor> filterDescriptors = new ConcurrentHashMap<>();
    private final Map<Conv2dSpec, cudnnConvolutionDescriptor> convDescriptors = new ConcurrentHashMap<>();
    private final Map<Pool2dSpec, cudnnPoolingDescriptor> poolDescriptors = new ConcurrentHashMap<>();
    private final Map<Integer, cudnnActivationDescriptor> activationDescriptors = new ConcurrentHashMap<>();
    private final Map<LrnSpec, cudnnLRNDescriptor> lrnDescriptors = new ConcurrentHashMap<>();
    private CudaBuffer workspace;
    private long workspaceBytes;
    private boolean closed;

    CudaContext(GpuInfo gpu, int driverVersion, CudnnOptions options) {
        this.device = Device.cuda(gpu.ordinal());
        this.binding = new DeviceBinding(gpu.ordinal(), DeviceBinding.JCUDA);
        this.gpu = gpu;
        this.options = options;
        CudaCalls.enableExceptions();
        String op = "start CUDA backend on " + device;
        binding.bind();
        CudaCalls.runtime(op, "cudaStreamCreate", () -> JCuda.cudaStreamCreate(stream));
        CudaCalls.cublas(op, "cublasCreate", () -> JCublas2.cublasCreate(cublas));
        CudaCalls.cublas(op, "cublasSetStream", () -> JCublas2.cublasSetStream(cublas, stream));
        CudaCalls.cublas(op, "cublasSetPointerMode",
                () -> JCublas2.cublasSetPointerMode(cublas, cublasPointerMode.CUBLAS_POINTER_MODE_HOST));
        CudaCalls.cublas(op, "cublasSetMathMode", () -> JCublas2.cublasSetMathMode(cublas,
                options.tf32() ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH));
        CudaCalls.cudnn(op, "cudnnCreate", () -> JCudnn.cudnnCreate(cudnn));
        CudaCalls.cudnn(op, "cudnnSetStream", () -> JCudnn.cudnnSetStream(cudnn, stream));
        this.memory = new CudaMemoryPool(device, stream);
        this.kernels = new CudaKernels(gpu, driverVersion, new CUstream(stream), PtxCache.forThisUser(), binding);
        this.staging = new PinnedStaging(stream);
        this.algorithms = new ConvAlgorithmSelector(options);
    }

    /** The device pointer of a tensor of this backend; a tensor of another device is named, not cast. */
    static Pointer ptr(Tensor t) {
        if (!(t.buffer() instanceof CudaBuffer b)) {
            throw new IllegalArgumentException("tensor " + t + " is not in CUDA device memory: allocate it on the"
                    + " CUDA backend, or copy it there with tensors().copyFromHost");
        }
        return b.pointer();
    }

    void synchronize(String op) {
        CudaCalls.runtime(op, "cudaStreamSynchronize", () -> JCuda.cudaStreamSynchronize(stream));
    }

    /** The shared cuDNN workspace, grown (never beyond the limit) to hold {@code bytes}. */
    Pointer workspace(String op, long bytes) {
        long capacity = WorkspaceSizing.capacityFor(workspaceBytes, bytes, options.workspaceLimitBytes());
        if (capacity > workspaceBytes) {
            if (workspace != null) {
                workspace.close();
            }
            workspace = memory.allocate((capacity + Float.BYTES - 1) / Float.BYTES, op + " (cuDNN workspace)");
            workspaceBytes = capacity;
        }
        return workspace == null ? new Pointer() : workspace.pointer();
    }

    cudnnTensorDescriptor tensor(Shape shape) {
        return tensor(CudnnShapes.nchw(shape));
    }

    cudnnTensorDescriptor tensor(int[] nchw) {
        return tensorDescriptors.computeIfAbsent(Arrays.stream(nchw).boxed().toList(), k -> {
            cudnnTensorDescriptor d = new cudnnTensorDescriptor();
            CudaCalls.cudnn("describe tensor " + k, "cudnnCreateTensorDescriptor", () -> JCudnn.cudnnCreateTensorDescriptor(d));
            CudaCalls.cudnn("describe tensor " + k, "cudnnSetTensor4dDescriptor", () -> JCudnn.cudnnSetTensor4dDescriptor(d,
                    cudnnTensorFormat.CUDNN_TENSOR_NCHW, cudnnDataType.CUDNN_DATA_FLOAT, nchw[0], nchw[1], nchw[2], nchw[3]));
            return d;
        });
    }

    cudnnFilterDescriptor filter(Shape w) {
        return filterDescriptors.computeIfAbsent(w, k -> {
            cudnnFilterDescriptor d = new cudnnFilterDescriptor();
            CudaCalls.cudnn("describe filter " + w, "cudnnCreateFilterDescriptor", () -> JCudnn.cudnnCreateFilterDescriptor(d));
            CudaCalls.cudnn("describe filter " + w, "cudnnSetFilter4dDescriptor", () -> JCudnn.cudnnSetFilter4dDescriptor(d,
                    cudnnDataType.CUDNN_DATA_FLOAT, cudnnTensorFormat.CUDNN_TENSOR_NCHW, w.dim(0), w.dim(1), w.dim(2), w.dim(3)));
            return d;
        });
    }

    /**
     * Cross-correlation (what Cortado and PyTorch call convolution), groups through cuDNN's group count,
     * and FMA math: full fp32 products, no TF32 tensor-core rounding, so results match the CPU backend.
     * With TF32 allowed, the default math instead, under which cudnnFind also ranks tensor-core algorithms;
     * each call then sets the math type its algorithm was ranked with ({@link #useMathOf}).
     */
    cudnnConvolutionDescriptor convolution(Conv2dSpec s) {
        return convDescriptors.computeIfAbsent(s, k -> {
            String op = "describe convolution " + s;
            cudnnConvolutionDescriptor d = new cudnnConvolutionDescriptor();
            CudaCalls.cudnn(op, "cudnnCreateConvolutionDescriptor", () -> JCudnn.cudnnCreateConvolutionDescriptor(d));
            CudaCalls.cudnn(op, "cudnnSetConvolution2dDescriptor", () -> JCudnn.cudnnSetConvolution2dDescriptor(d,
                    s.padH(), s.padW(), s.strideH(), s.strideW(), s.dilationH(), s.dilationW(),
                    cudnnConvolutionMode.CUDNN_CROSS_CORRELATION, cudnnDataType.CUDNN_DATA_FLOAT));
            CudaCalls.cudnn(op, "cudnnSetConvolutionGroupCount", () -> JCudnn.cudnnSetConvolutionGroupCount(d, s.groups()));
            CudaCalls.cudnn(op, "cudnnSetConvolutionMathType",
                    () -> JCudnn.cudnnSetConvolutionMathType(d,
                            options.tf32() ? cudnnMathType.CUDNN_DEFAULT_MATH : cudnnMathType.CUDNN_FMA_MATH));
            return d;
        });
    }

    /**
     * Sets the descriptor of {@code s} to the math type {@code algo} was ranked with, as cuDNN asks after
     * cudnnFind. Only with TF32 allowed: in full fp32 the descriptor keeps CUDNN_FMA_MATH, whatever the
     * ranking reports.
     */
    void useMathOf(Conv2dSpec s, ConvAlgorithmPerf algo) {
        if (options.tf32()) {
            cudnnConvolutionDescriptor d = convolution(s);
            CudaCalls.cudnn("describe convolution " + s, "cudnnSetConvolutionMathType",
                    () -> JCudnn.cudnnSetConvolutionMathType(d, algo.mathType()));
        }
    }

    /** Max pooling in cuDNN's deterministic variant, whose backward routes each gradient to one maximum. */
    cudnnPoolingDescriptor pooling(Pool2dSpec s) {
        return poolDescriptors.computeIfAbsent(s, k -> {
            int mode = switch (s.mode()) {
                case MAX -> cudnnPoolingMode.CUDNN_POOLING_MAX_DETERMINISTIC;
                case AVERAGE_INCLUDE_PADDING -> cudnnPoolingMode.CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING;
                case AVERAGE_EXCLUDE_PADDING -> cudnnPoolingMode.CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING;
            };
            String op = "describe pooling " + s;
            cudnnPoolingDescriptor d = new cudnnPoolingDescriptor();
            CudaCalls.cudnn(op, "cudnnCreatePoolingDescriptor", () -> JCudnn.cudnnCreatePoolingDescriptor(d));
            CudaCalls.cudnn(op, "cudnnSetPooling2dDescriptor", () -> JCudnn.cudnnSetPooling2dDescriptor(d, mode,
                    cudnnNanPropagation.CUDNN_NOT_PROPAGATE_NAN, s.kernelH(), s.kernelW(), s.padH(), s.padW(),
                    s.strideH(), s.strideW()));
            return d;
        });
    }

    cudnnActivationDescriptor activation(int cudnnMode) {
        return activationDescriptors.computeIfAbsent(cudnnMode, k -> {
            cudnnActivationDescriptor d = new cudnnActivationDescriptor();
            CudaCalls.cudnn("describe activation", "cudnnCreateActivationDescriptor", () -> JCudnn.cudnnCreateActivationDescriptor(d));
            // NaN in, NaN out, as on the CPU (Math.max(NaN, 0) is NaN): a diverging network must stay visible.
            CudaCalls.cudnn("describe activation", "cudnnSetActivationDescriptor", () -> JCudnn.cudnnSetActivationDescriptor(d,
                    cudnnMode, cudnnNanPropagation.CUDNN_PROPAGATE_NAN, 0.0));
            return d;
        });
    }

    cudnnLRNDescriptor lrn(LrnSpec s) {
        return lrnDescriptors.computeIfAbsent(s, k -> {
            double[] p = CudnnShapes.lrnParameters(s);
            cudnnLRNDescriptor d = new cudnnLRNDescriptor();
            CudaCalls.cudnn("describe LRN", "cudnnCreateLRNDescriptor", () -> JCudnn.cudnnCreateLRNDescriptor(d));
            CudaCalls.cudnn("describe LRN", "cudnnSetLRNDescriptor", () -> JCudnn.cudnnSetLRNDescriptor(d, (int) p[0], p[1], p[2], p[3]));
            return d;
        });
    }

    /**
     * Releases the handles, descriptors, modules and cached memory, once: a second close would destroy
     * native handles twice, which cuDNN and cuBLAS answer with a crash rather than an error.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        binding.bind();
        JCuda.cudaStreamSynchronize(stream);
        tensorDescriptors.values().forEach(JCudnn::cudnnDestroyTensorDescriptor);
        filterDescriptors.values().forEach(JCudnn::cudnnDestroyFilterDescriptor);
        convDescriptors.values().forEach(JCudnn::cudnnDestroyConvolutionDescriptor);
        poolDescriptors.values().forEach(JCudnn::cudnnDestroyPoolingDescriptor);
        activationDescriptors.values().forEach(JCudnn::cudnnDestroyActivationDescriptor);
        lrnDescriptors.values().forEach(JCudnn::cudnnDestroyLRNDescriptor);
        if (workspace != null) {
            workspace.close();
        }
        staging.close();
        kernels.close();
        memory.emptyCache();
        JCudnn.cudnnDestroy(cudnn);
        JCublas2.cublasDestroy(cublas);
        JCuda.cudaStreamDestroy(stream);
        binding.forget();
    }
}
