package dev.cortado.backend.cuda;

/**
 * The C type of one kernel parameter, as the launch must pass it: cuLaunchKernel copies each argument by
 * the size the kernel declares, so an int where the kernel reads a 64-bit count shifts every later argument.
 */
public enum KernelParam {
    /** A device pointer ({@code float*}, {@code double*}): a {@link jcuda.Pointer}, or null for NULL. */
    POINTER("u64"),
    /** {@code int}: an {@link Integer}, or a {@link Boolean} passed as 0 or 1. */
    INT("u32"),
    /** {@code cortado_index} (long long) or {@code cortado_u64}: a {@link Long}. */
    LONG("u64"),
    /** {@code float}: a {@link Float}. */
    FLOAT("f32");

    private final String ptxType;

    KernelParam(String ptxType) {
        this.ptxType = ptxType;
    }

    /** The type nvcc and NVRTC declare for the parameter in PTX ({@code .param .u64 name}). */
    public String ptxType() {
        return ptxType;
    }

    /** Whether {@code argument} is what the launch marshals into this parameter. */
    public boolean accepts(Object argument) {
        return switch (this) {
            case POINTER -> argument == null || argument instanceof jcuda.Pointer;
            case INT -> argument instanceof Integer || argument instanceof Boolean;
            case LONG -> argument instanceof Long;
            case FLOAT -> argument instanceof Float;
        };
    }

    /** The parameter type of a C declaration's type part ({@code const float*}, {@code cortado_index}, ...). */
    public static KernelParam ofC(String type) {
        String t = type.replace("const", "").replace("__restrict__", "").trim();
        if (t.endsWith("*")) {
            return POINTER;
        }
        return switch (t.replaceAll("\\s+", " ")) {
            case "int" -> INT;
            case "float" -> FLOAT;
            case "cortado_index", "cortado_u64", "long long", "unsigned long long" -> LONG;
            default -> throw new IllegalArgumentException("kernel parameter of C type '" + type
                    + "' has no launch marshalling; use int, float, cortado_index, cortado_u64 or a pointer");
        };
    }

    static String describe(Object argument) {
        return argument == null ? "null" : argument.getClass().getSimpleName();
    }
}
