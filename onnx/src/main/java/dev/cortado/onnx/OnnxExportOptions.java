package dev.cortado.onnx;

import java.util.Map;

/**
 * What an export writes besides the network: the ONNX opset, the batch dimension (a fixed size, or
 * {@code 0} for a symbolic "N" that any batch size fills) and string metadata properties such as
 * the input normalization and the class names.
 */
public record OnnxExportOptions(int opset, int batch, Map<String, String> metadata) {
    /** The opsets the exporter writes: 13 (Softmax over one axis, Slice steps) to 17, ONNX 1.12's newest. */
    public static final int MIN_OPSET = 13;
    public static final int MAX_OPSET = 17;
    public static final int DEFAULT_OPSET = 17;
    /** The {@link #batch} value that writes a symbolic batch dimension. */
    public static final int DYNAMIC_BATCH = 0;

    public OnnxExportOptions {
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new IllegalArgumentException("ONNX opset " + opset + " is not one Cortado writes; choose "
                    + MIN_OPSET + " to " + MAX_OPSET + " (default " + DEFAULT_OPSET + ")");
        }
        if (batch < 0) {
            throw new IllegalArgumentException("batch size must be positive, or dynamic; got " + batch);
        }
        metadata = Map.copyOf(metadata);
    }

    /** The default opset, a dynamic batch and no metadata. */
    public static OnnxExportOptions defaults() {
        return new OnnxExportOptions(DEFAULT_OPSET, DYNAMIC_BATCH, Map.of());
    }

    /** The same options with these metadata properties. */
    public OnnxExportOptions withMetadata(Map<String, String> properties) {
        return new OnnxExportOptions(opset, batch, properties);
    }

    /** The ONNX IR version that goes with the opset (ONNX's docs/Versioning.md: opset 13 is IR 7, 14 to 17 are IR 8). */
    long irVersion() {
        return opset <= 13 ? 7 : 8;
    }
}
