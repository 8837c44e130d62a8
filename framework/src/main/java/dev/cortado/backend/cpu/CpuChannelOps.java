package dev.cortado.backend.cpu;

import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.List;

/**
 * Ops along the channel axis (dimension 1) of {@code [N, C, H, W]} images and {@code [N, F]} dense
 * activations: per-channel bias and its gradient, and channel concatenation and its inverse.
 */
final class CpuChannelOps {
    /** Elements a worker takes at least. */
    private static final int GRAIN = 1 << 15;

    private final ParallelLoop loop;
    /** Per-feature double accumulators for the dense bias gradient, grown on demand. */
    private double[] featureSums = new double[256];

    CpuChannelOps(ParallelLoop loop) {
        this.loop = loop;
    }

    void addChannelBias(Tensor y, Tensor bias) {
        requireChannelAxis("addChannelBias", "y", y);
        ShapeCheck.perChannel("addChannelBias", "bias", bias, y);
        float[] ys = HostArrays.of("addChannelBias", y);
        float[] b = HostArrays.of("addChannelBias", bias);
        int n = y.shape().batch();
        int channels = y.shape().channels();
        int spatial = y.shape().spatialSize();
        if (spatial == 1) {
            // [N, F]: each row gets the whole bias vector.
            loop.forRange(n, Math.max(1, GRAIN / Math.max(1, channels)), (from, to) -> {
                for (int r = from; r < to; r++) {
                    int base = r * channels;
                    for (int c = 0; c < channels; c++) {
                        ys[base + c] += b[c];
                    }
                }
            });
        } else {
            // [N, C, H, W]: plane p = n·C + c gets bias[c].
            loop.forRange(n * channels, Math.max(1, GRAIN / spatial), (from, to) -> {
                for (int p = from; p < to; p++) {
                    float bc = b[p % channels];
                    int base = p * spatial;
                    for (int s = 0; s < spatial; s++) {
                        ys[base + s] += bc;
                    }
                }
            });
        }
    }

    /** db[c] = Σ_n Σ_s dy[n, c, s] in double, each channel summed in a fixed order by one worker. */
    void channelBiasGradient(Tensor dy, Tensor db) {
        requireChannelAxis("channelBiasGradient", "dy", dy);
        ShapeCheck.perChannel("channelBiasGradient", "db", db, dy);
        float[] g = HostArrays.of("channelBiasGradient", dy);
        float[] out = HostArrays.of("channelBiasGradient", db);
        int n = dy.shape().batch();
        int channels = dy.shape().channels();
        int spatial = dy.shape().spatialSize();
        if (spatial == 1) {
            // [N, F]: walk the rows contiguously, each worker owning a range of features.
            if (featureSums.length < channels) {
                featureSums = new double[Math.max(channels, 2 * featureSums.length)];
            }
            double[] acc = featureSums;
            loop.forRange(channels, Math.max(1, GRAIN / Math.max(1, n)), (from, to) -> {
                for (int c = from; c < to; c++) {
                    acc[c] = 0;
                }
                for (int r = 0; r < n; r++) {
                    int base = r * channels;
                    for (int c = from; c < to; c++) {
                        acc[c] += g[base + c];
                    }
                }
                for (int c = from; c < to; c++) {
                    out[c] = (float) acc[c];
                }
            });
        } else {
            loop.forRange(channels, Math.max(1, GRAIN / Math.max(1, n * spatial)), (from, to) -> {
                for (int c = from; c < to; c++) {
                    double sum = 0;
                    for (int r = 0; r < n; r++) {
                        int base = (r * channels + c) * spatial;
                        sum += DoubleAccumulation.sum(g, base, base + spatial);
                    }
                    out[c] = (float) sum;
                }
            });
        }
    }

    void concatChannels(List<Tensor> inputs, Tensor out) {
        int[] widths = channelWidths("concatChannels", "inputs", inputs, "out", out);
        float[][] parts = hostArrays("concatChannels", inputs);
        float[] whole = HostArrays.of("concatChannels", out);
        int n = out.shape().batch();
        int channels = out.shape().channels();
        int spatial = out.shape().spatialSize();
        loop.forRange(n, rowGrain(out), (from, to) -> {
            for (int r = from; r < to; r++) {
                int offset = (r * channels) * spatial;
                for (int i = 0; i < parts.length; i++) {
                    int length = widths[i] * spatial;
                    System.arraycopy(parts[i], r * length, whole, offset, length);
                    offset += length;
                }
            }
        });
    }

    void splitChannels(Tensor input, List<Tensor> outputs) {
        int[] widths = channelWidths("splitChannels", "outputs", outputs, "input", input);
        float[][] parts = hostArrays("splitChannels", outputs);
        float[] whole = HostArrays.of("splitChannels", input);
        int n = input.shape().batch();
        int channels = input.shape().channels();
        int spatial = input.shape().spatialSize();
        loop.forRange(n, rowGrain(input), (from, to) -> {
            for (int r = from; r < to; r++) {
                int offset = (r * channels) * spatial;
                for (int i = 0; i < parts.length; i++) {
                    int length = widths[i] * spatial;
                    System.arraycopy(whole, offset, parts[i], r * length, length);
                    offset += length;
                }
            }
        });
    }

    private static int rowGrain(Tensor whole) {
        return Math.max(1, GRAIN / Math.max(1, whole.shape().sampleSize()));
    }

    private static void requireChannelAxis(String op, String name, Tensor t) {
        if (t.shape().rank() < 2) {
            throw new ShapeMismatchException(op + ": " + name + " must be [N, C, ...] with rank at least 2, got "
                    + t.shape());
        }
        t.shape().intSize(); // fails clearly for a tensor too large for a host array
    }

    /**
     * The channel count of each part, after checking that every part agrees with the whole outside
     * dimension 1 and that the parts' channels add up to the whole's.
     */
    private static int[] channelWidths(String op, String partsName, List<Tensor> parts, String wholeName,
                                       Tensor whole) {
        requireChannelAxis(op, wholeName, whole);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException(op + ": " + partsName + " is empty; give at least one tensor");
        }
        Shape w = whole.shape();
        int[] widths = new int[parts.size()];
        long total = 0;
        StringBuilder shapes = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            Shape p = parts.get(i).shape();
            if (p.rank() != w.rank() || !p.withChannels(w.channels()).equals(w)) {
                throw new ShapeMismatchException(op + ": " + partsName + "[" + i + "] " + p + " and " + wholeName
                        + " " + w + " must agree in every dimension but 1");
            }
            widths[i] = p.channels();
            total += widths[i];
            shapes.append(i == 0 ? "" : " + ").append(p);
        }
        if (total != w.channels()) {
            throw new ShapeMismatchException(op + ": " + partsName + " " + shapes + " have " + total
                    + " channels together but " + wholeName + " " + w + " has " + w.channels());
        }
        return widths;
    }

    private static float[][] hostArrays(String op, List<Tensor> tensors) {
        float[][] arrays = new float[tensors.size()][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = HostArrays.of(op, tensors.get(i));
        }
        return arrays;
    }
}
