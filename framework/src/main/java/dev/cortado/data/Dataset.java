package dev.cortado.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A labelled image classification dataset with random access. Implementations keep their samples
 * compactly (usually one byte per pixel) and convert to floats in [0, 1] only when a sample is read
 * into a batch. Reads may come from several threads at once.
 */
public interface Dataset {
    /** Number of samples. */
    int size();

    /** The C×H×W shape every sample has when read. */
    SampleShape sampleShape();

    /** Number of classes; labels lie in [0, numClasses). */
    int numClasses();

    /** Human-readable class names, one per class; numerals when the source has none. */
    default List<String> classNames() {
        return numberedClassNames(numClasses());
    }

    /** The label of sample {@code index}. */
    int label(int index);

    /**
     * Writes sample {@code index} as {@code sampleShape().size()} floats in [0, 1], CHW order, into
     * {@code dst} from {@code offset}, and returns its label.
     *
     * @throws DatasetReadException when a lazily loaded sample cannot be decoded
     */
    int read(int index, float[] dst, int offset);

    /**
     * Whether {@link #readPixels} is available: the samples are 8-bit images, which the loader then
     * crops, resizes, flips and normalizes in one pass from the source pixels (see
     * {@link OnePassTransform}) instead of going through {@link #read}.
     */
    default boolean hasBytePixels() {
        return false;
    }

    /**
     * Points {@code image} at sample {@code index}'s 8-bit pixels, at the source's own size (an image
     * folder's file may be larger than {@link #sampleShape()}, to which {@link #read} resizes it), with
     * as many bands as {@code sampleShape().channels()}, or one grey band for three channels. Returns
     * the label. Called from several loader workers at once, each with its own image.
     *
     * @throws UnsupportedOperationException when {@link #hasBytePixels()} is false
     * @throws DatasetReadException when a lazily loaded sample cannot be decoded
     */
    default int readPixels(int index, ByteImage image) {
        throw new UnsupportedOperationException(description() + " has no 8-bit pixels to read");
    }

    /** A short description for logs and error messages (source and split). */
    String description();

    static List<String> numberedClassNames(int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(Integer.toString(i));
        }
        return Collections.unmodifiableList(names);
    }
}
