package dev.cortado.data;

import java.util.List;
import java.util.Objects;

/**
 * A dataset held in memory as unsigned bytes, one per pixel and channel in CHW order, with one label
 * per sample. Fashion-MNIST's 60,000 training images take 47 MB this way rather than 188 MB as
 * floats; the conversion to [0, 1] happens per sample when a batch is filled.
 */
public class ByteImageDataset implements Dataset {
    private final String description;
    private final SampleShape shape;
    private final byte[] pixels;
    private final byte[] labels;
    private final int numClasses;
    private final List<String> classNames;

    /**
     * @param pixels     size × shape.size() bytes, CHW per sample
     * @param labels     one unsigned byte per sample, each below numClasses
     * @param classNames names per class, or null for numerals
     */
    public ByteImageDataset(String description, SampleShape shape, byte[] pixels, byte[] labels, int numClasses,
            List<String> classNames) {
        this.description = Objects.requireNonNull(description);
        this.shape = Objects.requireNonNull(shape);
        if ((long) labels.length * shape.size() != pixels.length) {
            throw new IllegalArgumentException(description + ": " + pixels.length + " pixel bytes do not hold "
                    + labels.length + " samples of " + shape);
        }
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i] & 0xFF;
            if (label >= numClasses) {
                throw new IllegalArgumentException(description + ": sample " + i + " has label " + label
                        + ", outside the " + numClasses + " classes");
            }
        }
        if (classNames != null && classNames.size() != numClasses) {
            throw new IllegalArgumentException(description + ": " + classNames.size() + " class names for "
                    + numClasses + " classes");
        }
        this.pixels = pixels;
        this.labels = labels;
        this.numClasses = numClasses;
        this.classNames = classNames == null ? Dataset.numberedClassNames(numClasses) : List.copyOf(classNames);
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public SampleShape sampleShape() {
        return shape;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int label(int index) {
        return labels[Objects.checkIndex(index, labels.length)] & 0xFF;
    }

    @Override
    public int read(int index, float[] dst, int offset) {
        Objects.checkIndex(index, labels.length);
        int n = shape.size();
        int src = index * n;
        for (int i = 0; i < n; i++) {
            dst[offset + i] = OnePassTransform.UNIT[pixels[src + i] & 0xFF];
        }
        return labels[index] & 0xFF;
    }

    @Override
    public boolean hasBytePixels() {
        return true;
    }

    @Override
    public int readPixels(int index, ByteImage image) {
        Objects.checkIndex(index, labels.length);
        image.setPlanar(pixels, index * shape.size(), shape);
        return labels[index] & 0xFF;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description + " (" + size() + " samples of " + shape + ", " + numClasses + " classes)";
    }
}
