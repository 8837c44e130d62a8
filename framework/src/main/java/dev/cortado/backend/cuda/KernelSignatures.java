package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.KernelParam.FLOAT;
import static dev.cortado.backend.cuda.KernelParam.INT;
import static dev.cortado.backend.cuda.KernelParam.LONG;
import static dev.cortado.backend.cuda.KernelParam.POINTER;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter list of every {@code extern "C" __global__} kernel in cuda-kernels, in one place.
 * {@link CudaKernels} checks each launch's arguments against it before calling cuLaunchKernel (a wrong
 * count or width there is not an error but a silent misread), and KernelSignaturesTest checks it against
 * the .cu sources and, where nvcc exists, against the {@code .entry} declarations of the compiled PTX.
 */
public final class KernelSignatures {
    /** One kernel: the module (.cu file) that defines it, its name and its parameters in order. */
    public record Signature(String module, String kernel, List<KernelParam> params) {
        public Signature {
            params = List.copyOf(params);
        }
    }

    private static final Map<String, Signature> TABLE = new LinkedHashMap<>();

    static {
        // optimizers.cu
        add("optimizers", "sgd_update", POINTER, POINTER, LONG, FLOAT, FLOAT);
        add("optimizers", "momentum_update", POINTER, POINTER, POINTER, LONG, FLOAT, FLOAT, INT, FLOAT);
        add("optimizers", "adagrad_update", POINTER, POINTER, POINTER, LONG, FLOAT, FLOAT, FLOAT);
        add("optimizers", "adadelta_update", POINTER, POINTER, POINTER, POINTER, LONG, FLOAT, FLOAT, FLOAT, FLOAT);
        add("optimizers", "rmsprop_update", POINTER, POINTER, POINTER, LONG, FLOAT, FLOAT, FLOAT, FLOAT);
        add("optimizers", "adam_update", POINTER, POINTER, POINTER, POINTER, LONG, FLOAT, FLOAT, FLOAT, FLOAT, FLOAT,
                INT, FLOAT, FLOAT);
        add("optimizers", "add_l1_gradient", POINTER, POINTER, LONG, FLOAT);
        // dropout.cu
        add("dropout", "dropout_forward", POINTER, POINTER, POINTER, LONG, LONG, FLOAT, FLOAT);
        // losses.cu
        add("losses", "softmax_xent_rows", POINTER, POINTER, LONG, INT, FLOAT, FLOAT, POINTER, POINTER);
        add("losses", "bce_logits_elements", POINTER, POINTER, LONG, FLOAT, POINTER, POINTER);
        add("losses", "squared_error_elements", POINTER, POINTER, LONG, FLOAT, POINTER, POINTER);
        // activations.cu
        add("activations", "activation_forward", INT, FLOAT, POINTER, POINTER, LONG);
        add("activations", "activation_backward", INT, FLOAT, POINTER, POINTER, POINTER, POINTER, LONG);
        add("activations", "prelu_forward", POINTER, POINTER, POINTER, LONG, INT, LONG);
        add("activations", "prelu_backward_data", POINTER, POINTER, POINTER, POINTER, LONG, INT, LONG);
        add("activations", "prelu_backward_slope", POINTER, POINTER, POINTER, LONG, INT, LONG);
        // tensor_ops.cu
        add("tensor_ops", "fill", POINTER, LONG, FLOAT);
        add("tensor_ops", "add", POINTER, POINTER, POINTER, LONG);
        add("tensor_ops", "multiply", POINTER, POINTER, POINTER, LONG);
        add("tensor_ops", "clamp", POINTER, LONG, FLOAT, FLOAT);
        add("tensor_ops", "add_channel_bias", POINTER, POINTER, LONG, INT, LONG);
        add("tensor_ops", "channel_bias_gradient", POINTER, POINTER, LONG, INT, LONG);
        add("tensor_ops", "copy_channels", POINTER, POINTER, LONG, INT, INT, INT, LONG, INT);
        add("tensor_ops", "reduce_partial", POINTER, LONG, INT, POINTER);
        add("tensor_ops", "reduce_final", POINTER, INT, INT, POINTER, INT);
        add("tensor_ops", "argmax_rows", POINTER, LONG, INT, POINTER);
        add("tensor_ops", "topk_hits", POINTER, POINTER, LONG, INT, INT, POINTER);
    }

    private KernelSignatures() {
    }

    private static void add(String module, String kernel, KernelParam... params) {
        TABLE.put(module + "/" + kernel, new Signature(module, kernel, Arrays.asList(params)));
    }

    /** Every kernel, in table order. */
    public static List<Signature> all() {
        return List.copyOf(TABLE.values());
    }

    /** The kernel {@code kernel} of {@code module}; fails for a kernel the table does not declare. */
    public static Signature of(String module, String kernel) {
        Signature s = TABLE.get(module + "/" + kernel);
        if (s == null) {
            throw new IllegalArgumentException("kernel " + kernel + " is not declared for module " + module + ".cu in "
                    + KernelSignatures.class.getSimpleName());
        }
        return s;
    }

    /**
     * Checks a launch's arguments against the kernel's parameters: their count, and for each one the Java
     * type that marshals to the C type (see {@link KernelParam#accepts}).
     */
    public static void check(String op, String module, String kernel, Object... args) {
        List<KernelParam> params = of(module, kernel).params();
        if (args.length != params.size()) {
            throw new IllegalArgumentException(op + ": kernel " + kernel + " takes " + params.size() + " arguments "
                    + params + ", the launch passes " + args.length);
        }
        for (int i = 0; i < args.length; i++) {
            if (!params.get(i).accepts(args[i])) {
                throw new IllegalArgumentException(op + ": kernel " + kernel + " argument " + i + " is "
                        + params.get(i) + " in the kernel, the launch passes " + KernelParam.describe(args[i]));
            }
        }
    }
}
