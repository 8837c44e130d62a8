package dev.cortado.data;

import dev.cortado.tensor.Shape;

/**
 * One batch in host memory: images as N×C×H×W floats (NCHW) and each row's class index as a float.
 * The arrays hold {@link #capacity()} rows; only the first {@link #size()} are valid (fewer in the
 * last partial batch of an epoch). A loader reuses its batches: one returned by
 * {@link DataLoader#next()} is valid until the following call.
 */
public final class Batch {
    private final SampleShape sampleShape;
    private final float[] images;
    private final float[] labels;
    private final int[] sampleIndices;
    private int size;
    private int epoch;
    private int index;

    Batch(SampleShape sampleShape, int capacity) {
        this.sampleShape = sampleShape;
        this.images = new float[Math.multiplyExact(capacity, sampleShape.size())];
        this.labels = new float[capacity];
        this.sampleIndices = new int[capacity];
    }

    /** N·C·H·W image values, NCHW; rows past size() are stale. */
    public float[] images() {
        return images;
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
