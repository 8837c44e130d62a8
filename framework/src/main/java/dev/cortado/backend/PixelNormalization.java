package dev.cortado.backend;

import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;

/**
 * The host side of {@link TensorOps#normalizePixels}: its argument checks, and the per-channel table of
 * what each byte becomes, {@code (b / 255f − mean[c]) / std[c]} computed in float exactly as the
 * data pipeline's Normalize computes it on the host, so that a batch normalized on a device is bit for
 * bit the batch normalized on the host.
 */
public final class PixelNormalization {
    private PixelNormalization() {
    }

    /** Checks a call: an [N, C, ...] destination, one mean and one positive std per channel, pixels in range. */
    public static void check(String op, byte[] pixels, int offset, float[] mean, float[] std, Tensor destination) {
        if (destination.shape().rank() < 2) {
            throw new ShapeMismatchException(op + ": destination must be [N, C, ...] with rank at least 2, got "
                    + destination.shape());
        }
        int channels = destination.shape().channels();
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException(op + ": " + mean.length + " means and " + std.length + " stds for "
                    + channels + " channels of " + destination.shape());
        }
        if (offset < 0 || offset > pixels.length - destination.size()) {
            throw new ShapeMismatchException(op + ": " + pixels.length + " pixels have no room for tensor "
                    + destination.shape() + " of " + destination.size() + " elements at offset " + offset);
        }
    }

    /** {@code table[c][b]}: what byte b of channel c becomes. */
    public static float[][] table(float[] mean, float[] std) {
        float[][] table = new float[mean.length][256];
        for (int c = 0; c < mean.length; c++) {
            for (int b = 0; b < 256; b++) {
                table[c][b] = (b / 255f - mean[c]) / std[c];
            }
        }
        return table;
    }
}
