package dev.cortado.data;

import dev.cortado.tensor.Shape;

/**
 * One batch in host memory: images as N×C×H×W floats (NCHW), or as 8-bit pixels for a loader that
 * delivers bytes, and each row's class index as a float.
 * The arrays hold {@link #capacity()} rows; only the first {@link #size()} are valid (fewer in the
 * last partial batch of an epoch). A loader reuses its batches: one returned by
 * {@link DataLoader#next()} is valid until the following call.
 */
public final class Batch {
    private final SampleShape sampleShape;
    private final float[] images;
    private final byte[] pixels;
    private final float[] labels;
    private final int[] sampleIndices;
    private int size;
    private int epoch;
    private int index;

    Batch(SampleShape sampleShape, int capacity) {
        this(sampleShape, capacity, false);
    }

    /** A batch of floats, or with {@code bytes} of 8-bit pixels. */
    Batch(SampleShape sampleShape, int capacity, boolean bytes) {
        this.sampleShape = sampleShape;
        int length = Math.multiplyExact(capacity, sampleShape.size());
        this.images = bytes ? null : new float[length];
        this.pixels = bytes ? new byte[length] : null;
        this.labels = new float[capacity];
        this.sampleIndices = new int[capacity];
    }

    /** N·C·H·W image values, NCHW; rows past size() are stale. */
    public float[] images() {
        if (images == null) {
            throw new IllegalStateException("a batch of 8-bit pixels (the loader was built with bytes(true)): read pixels()");
        }
        return images;
    }

    /**
     * N·C·H·W 8-bit pixels, NCHW, for a loader built with {@code bytes(true)}: augmented but not
     * normalized; rows past size() are stale.
     */
    public byte[] pixels() {
        if (pixels == null) {
            throw new IllegalStateException("a batch of floats: read images()");
        }
        return pixels;
    }

    /** Whether this batch holds 8-bit pixels rather than floats. */
    public boolean hasPixels() {
        return pixels != null;
    }

    /** Class index of each row, as a float; rows past size() are stale. */
    public float[] labels() {
        return labels;
    }

    /** Rows in use. */
    public int size() {
        return size;
    }

    /** Rows the arrays can hold: the loader's batch size. */
    public int capacity() {
        return labels.length;
    }

    public SampleShape sampleShape() {
        return sampleShape;
    }

    /** The NCHW shape of the rows in use. */
    public Shape shape() {
        return sampleShape.batchShape(size);
    }

    /** Number of image floats in use: size()·C·H·W. */
    public int imageLength() {
        return size * sampleShape.size();
    }

    /** The dataset index row {@code row} was read from. */
    public int sampleIndex(int row) {
        if (row < 0 || row >= size) {
            throw new IndexOutOfBoundsException("row " + row + " of a batch of " + size);
        }
        return sampleIndices[row];
    }

    /** The epoch this batch belongs to. */
    public int epoch() {
        return epoch;
    }

    /** The position of this batch within its epoch, from 0. */
    public int index() {
        return index;
    }

    int[] sampleIndicesArray() {
        return sampleIndices;
    }

    void setPosition(int epoch, int index, int size) {
        this.epoch = epoch;
        this.index = index;
        this.size = size;
    }

    @Override
    public String toString() {
        return "Batch[epoch " + epoch + ", index " + index + ", " + size + " × " + sampleShape + "]";
    }
}
