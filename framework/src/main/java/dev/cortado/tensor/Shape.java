package dev.cortado.tensor;

import java.util.Arrays;

/**
 * The dimensions of a tensor, outermost first: NCHW for images, N×F for dense activations.
 * Immutable; every tensor op validates against it before touching memory.
 */
public final class Shape {
    private final int[] dims;
    private final long size;

    private Shape(int[] dims) {
        this.dims = dims;
        long s = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
            s = Math.multiplyExact(s, d);
        }
        this.size = s;
    }

    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** An N×C×H×W image batch. */
    public static Shape nchw(int n, int c, int h, int w) {
        return new Shape(new int[] {n, c, h, w});
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements. */
    public long size() {
        return size;
    }

    /** Elements as an int, for host arrays; fails clearly past 2^31-1. */
    public int intSize() {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalStateException("shape " + this + " has " + size + " elements, more than a host array holds");
        }
        return (int) size;
    }

    /** Batch size: the outermost dimension. */
    public int batch() {
        return dims[0];
    }

    /** Channels (images) or features (dense): dimension 1, or 1 for a rank-1 shape. */
    public int channels() {
        return dims.length > 1 ? dims[1] : 1;
    }

    /** Product of the dimensions after the channel axis (H·W for NCHW, 1 for N×F). */
    public int spatialSize() {
        return productFrom(2, "spatial");
    }

    /** Elements per sample: the product of every dimension but the first. */
    public int sampleSize() {
        return productFrom(1, "per-sample");
    }

    /** Product of dims[from..]; fails clearly rather than wrapping around past 2^31-1. */
    private int productFrom(int from, String what) {
        long s = 1;
        for (int i = from; i < dims.length; i++) {
            s *= dims[i];
        }
        if (s > Integer.MAX_VALUE) {
            throw new IllegalStateException("shape " + this + " has " + s + " " + what
                    + " elements, more than a host array holds");
        }
        return (int) s;
    }

    public int height() {
        requireRank(4);
        return dims[2];
    }

    public int width() {
        requireRank(4);
        return dims[3];
    }

    /** The same shape with a different batch size. */
    public Shape withBatch(int n) {
        int[] d = dims.clone();
        d[0] = n;
        return new Shape(d);
    }

    /** The same shape with a different channel count. */
    public Shape withChannels(int c) {
        int[] d = dims.clone();
        d[1] = c;
        return new Shape(d);
    }

    /** N × (everything else), the matrix view dense layers use. */
    public Shape flattened() {
        return new Shape(new int[] {dims[0], sampleSize()});
    }

    private void requireRank(int r) {
        if (dims.length != r) {
            throw new IllegalStateException("expected a rank-" + r + " shape, got " + this);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(dims[i]);
        }
        return b.append(']').toString();
    }
}
