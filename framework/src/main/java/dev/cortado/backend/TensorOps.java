package dev.cortado.backend;

import dev.cortado.tensor.Tensor;
import java.util.List;

/** Element-wise arithmetic, copies, channel concat and split, bias, and reductions. */
public interface TensorOps {
    /** Copies {@code destination.size()} floats from {@code source[offset...]}: a batch out of a larger host buffer. */
    void copyFromHost(float[] source, int offset, Tensor destination);

    /**
     * Copies {@code destination.size()} 8-bit pixels from {@code pixels[offset...]} into an
     * {@code [N, C, ...]} tensor, normalized per channel (dimension 1) as {@code (p / 255 − mean[c]) /
     * std[c]} in float: the host's Normalize, operation for operation, so the result is bit for bit a
     * float batch normalized on the host, for a quarter of the copy. This default converts on the host.
     */
    default void normalizePixels(byte[] pixels, int offset, float[] mean, float[] std, Tensor destination) {
        PixelNormalization.check("normalizePixels", pixels, offset, mean, std, destination);
        float[][] table = PixelNormalization.table(mean, std);
        int n = destination.shape().intSize();
        int spatial = destination.shape().spatialSize();
        int channels = mean.length;
        float[] host = new float[n];
        for (int i = 0; i < n; i++) {
            host[i] = table[(i / spatial) % channels][pixels[offset + i] & 0xFF];
        }
        copyFromHost(host, 0, destination);
    }

    /** Copies all of {@code source} into {@code destination[offset...]}. */
    void copyToHost(Tensor source, float[] destination, int offset);

    /** Copies a host array of exactly the tensor's size. */
    default void copyFromHost(float[] source, Tensor destination) {
        ShapeCheck.hostLength("copyFromHost", source, destination);
        copyFromHost(source, 0, destination);
    }

    /** Copies into a host array of exactly the tensor's size. */
    default void copyToHost(Tensor source, float[] destination) {
        ShapeCheck.hostLength("copyToHost", destination, source);
        copyToHost(source, destination, 0);
    }

    /** dst = src; same number of elements. */
    void copy(Tensor source, Tensor destination);

    void fill(Tensor t, float value);

    /** t = alpha·t. */
    void scale(Tensor t, float alpha);

    /** y = alpha·x + y. */
    void axpy(float alpha, Tensor x, Tensor y);

    /** out = a + b (a residual connection); out may alias a or b. */
    void add(Tensor a, Tensor b, Tensor out);

    /** out = a ⊙ b. */
    void multiply(Tensor a, Tensor b, Tensor out);

    /** t = min(max(t, lo), hi): gradient clipping by value. */
    void clamp(Tensor t, float lo, float hi);

    /** y[n, c, ...] += bias[c]: the bias of a convolution ({@code [N, C, H, W]}) or dense layer ({@code [N, F]}). */
    void addChannelBias(Tensor y, Tensor bias);

    /** db[c] = Σ over n and space of dy[n, c, ...]; overwrites db. */
    void channelBiasGradient(Tensor dy, Tensor db);

    /** Stacks inputs along dimension 1 into out, in order. */
    void concatChannels(List<Tensor> inputs, Tensor out);

    /** The inverse of {@link #concatChannels}: slices of {@code input} along dimension 1 into outputs. */
    void splitChannels(Tensor input, List<Tensor> outputs);

    float sum(Tensor t);

    float mean(Tensor t);

    float max(Tensor t);

    /** out[n] = index of the largest x[n, c] (the first, on ties), stored as a float. */
    void argmax(Tensor x, Tensor out);

    /**
     * How many rows of scores {@code [N, C]} have their label among the k highest scores. A label's
     * rank counts the higher scores and the equal scores at lower class indices, so that top-1 agrees
     * with {@link #argmax}'s first-maximum rule; a NaN label score is never counted.
     */
    int topKCorrect(Tensor scores, Tensor labels, int k);

    /** sqrt(Σ over all tensors of Σ x²), accumulated in double: the norm used to clip gradients. */
    float globalL2Norm(List<Tensor> tensors);
}
