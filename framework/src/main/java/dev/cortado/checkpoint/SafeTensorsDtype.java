package dev.cortado.checkpoint;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The element types of the safetensors format (the names its header uses) with their widths.
 * Cortado writes F32; it reads the floating-point types into float32 (F16 and BF16 exactly, F64
 * rounded to nearest), so that a state dict another tool saved in half precision loads as it is.
 * Integer and boolean tensors (PyTorch's {@code num_batches_tracked} is I64) are validated and
 * skipped, never read as weights.
 */
enum SafeTensorsDtype {
    F64(8, true), F32(4, true), F16(2, true), BF16(2, true),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false), U64(8, false), U32(4, false), U16(2, false),
    U8(1, false), BOOL(1, false), F8_E4M3(1, false), F8_E5M2(1, false);

    final int bytes;
    final boolean floating;

    SafeTensorsDtype(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }

    /** The type a header names, or null for a name the format does not have. */
    static SafeTensorsDtype named(Object name) {
        for (SafeTensorsDtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    static List<String> floatingNames() {
        return Arrays.stream(values()).filter(d -> d.floating).map(Enum::name).toList();
    }

    /** Reads {@code n} elements of this (floating-point) type from a little-endian buffer into {@code out}. */
    void decode(ByteBuffer in, float[] out, int offset, int n) {
        switch (this) {
            case F32 -> in.asFloatBuffer().get(out, offset, n);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = (float) in.getDouble(i * 8);
                }
            }
            case BF16 -> {
                // bfloat16 is the upper half of a float32: shifting the bits back is exact.
                for (int i = 0; i < n; i++) {
                    out[offset + i] = Float.intBitsToFloat((in.getShort(i * 2) & 0xffff) << 16);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = halfToFloat(in.getShort(i * 2));
                }
            }
            default -> throw new IllegalStateException(this + " is not a floating-point type");
        }
    }

    /**
     * IEEE 754 binary16 to binary32, exactly (every half value is a float): sign, 5-bit exponent with
     * bias 15, 10-bit fraction; subnormals are (fraction / 2^10)·2^-14, and all-ones exponents are
     * infinities and NaNs, whose payload moves to the float's top fraction bits.
     */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int fraction = bits & 0x3ff;
        if (exponent == 0) {
            float magnitude = fraction * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (fraction << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (fraction << 13));
    }
}
