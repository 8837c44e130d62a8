package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.KernelParam.FLOAT;
import static dev.cortado.backend.cuda.KernelParam.INT;
import static dev.cortado.backend.cuda.KernelParam.LONG;
import static dev.cortado.backend.cuda.KernelParam.POINTER;

import java.util.List;
import java.util.Locale;

/**
 * Every {@code extern "C" __global__} kernel of cuda-kernels, declared once on the Java side: the module
 * ({@code .cu} file) that defines it, its name (the constant's, in lower case) and its parameters in order.
 * Launches name a constant ({@link CudaKernels#launch}), which checks the arguments against it before
 * cuLaunchKernel (a wrong count or width there is not an error but a silent misread); KernelSignaturesTest
 * checks the declarations against the .cu sources and, where nvcc exists, the {@code .entry} parameter lists
 * of the compiled PTX.
 */
public enum Kernel {
    // optimizers.cu
    SGD_UPDATE("optimizers", POINTER, POINTER, LONG, FLOAT, FLOAT),
    MOMENTUM_UPDATE("optimizers", POINTER, POINTER, POINTER, LONG, FLOAT, FLOAT, INT, FLOAT),
    ADAGRAD_UPDATE("optimizers", POINTER, POINTER, POINTER, LONG, FLOAT, FLOAT, FLOAT),
    ADADELTA_UPDATE("optimizers", POINTER, POINTER, POINTER, POINTER, LONG, FLOAT, FLOAT, FLOAT, FLOAT),
    RMSPROP_UPDATE("optimizers", POINTER, POINTER, POINTER, LONG, FLOAT, FLOAT, FLOAT, FLOAT),
    ADAM_UPDATE("optimizers", POINTER, POINTER, POINTER, POINTER, LONG, FLOAT, FLOAT, FLOAT, FLOAT, FLOAT, INT,
            FLOAT, FLOAT),
    ADD_L1_GRADIENT("optimizers", POINTER, POINTER, LONG, FLOAT),
    // dropout.cu
    DROPOUT_FORWARD("dropout", POINTER, POINTER, POINTER, LONG, LONG, FLOAT, FLOAT),
    // losses.cu
    SOFTMAX_XENT_ROWS("losses", POINTER, POINTER, LONG, INT, FLOAT, FLOAT, POINTER, POINTER),
    BCE_LOGITS_ELEMENTS("losses", POINTER, POINTER, LONG, FLOAT, POINTER, POINTER),
    SQUARED_ERROR_ELEMENTS("losses", POINTER, POINTER, LONG, FLOAT, POINTER, POINTER),
    // activations.cu
    ACTIVATION_FORWARD("activations", INT, FLOAT, POINTER, POINTER, LONG),
    ACTIVATION_BACKWARD("activations", INT, FLOAT, POINTER, POINTER, POINTER, POINTER, LONG),
    PRELU_FORWARD("activations", POINTER, POINTER, POINTER, LONG, INT, LONG),
    PRELU_BACKWARD_DATA("activations", POINTER, POINTER, POINTER, POINTER, LONG, INT, LONG),
    PRELU_BACKWARD_SLOPE("activations", POINTER, POINTER, POINTER, LONG, INT, LONG),
    // tensor_ops.cu
    FILL("tensor_ops", POINTER, LONG, FLOAT),
    ADD("tensor_ops", POINTER, POINTER, POINTER, LONG),
    MULTIPLY("tensor_ops", POINTER, POINTER, POINTER, LONG),
    CLAMP("tensor_ops", POINTER, LONG, FLOAT, FLOAT),
    NORMALIZE_PIXELS("tensor_ops", POINTER, POINTER, LONG, INT, LONG, POINTER),
    ADD_CHANNEL_BIAS("tensor_ops", POINTER, POINTER, LONG, INT, LONG),
    CHANNEL_BIAS_GRADIENT("tensor_ops", POINTER, POINTER, LONG, INT, LONG),
    COPY_CHANNELS("tensor_ops", POINTER, POINTER, LONG, INT, INT, INT, LONG, INT),
    REDUCE_PARTIAL("tensor_ops", POINTER, LONG, INT, POINTER),
    REDUCE_FINAL("tensor_ops", POINTER, INT, INT, POINTER, INT),
    ARGMAX_ROWS("tensor_ops", POINTER, LONG, INT, POINTER),
    TOPK_HITS("tensor_ops", POINTER, POINTER, LONG, INT, INT, POINTER);

    private final String module;
    private final List<KernelParam> params;

    Kernel(String module, KernelParam... params) {
        this.module = module;
        this.params = List.of(params);
    }

    /** The module, i.e. the {@code .cu} file without its extension, that defines the kernel. */
    public String module() {
        return module;
    }

    /** The kernel's C name, as cuModuleGetFunction looks it up. */
    public String kernelName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public List<KernelParam> params() {
        return params;
    }

    /**
     * Checks a launch's arguments against the parameters: their count, and for each one the Java type that
     * marshals to the C type (see {@link KernelParam#accepts}).
     */
    public void check(String op, Object... args) {
        if (args.length != params.size()) {
            throw new IllegalArgumentException(op + ": kernel " + kernelName() + " takes " + params.size()
                    + " arguments " + params + ", the launch passes " + args.length);
        }
        for (int i = 0; i < args.length; i++) {
            if (!params.get(i).accepts(args[i])) {
                throw new IllegalArgumentException(op + ": kernel " + kernelName() + " argument " + i + " is "
                        + params.get(i) + " in the kernel, the launch passes " + KernelParam.describe(args[i]));
            }
        }
    }
}
