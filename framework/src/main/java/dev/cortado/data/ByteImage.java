package dev.cortado.data;

import java.util.Arrays;

/**
 * An 8-bit image seen through strides, so that a decoder's raster, a CHW array or a memory-mapped
 * sample can be read in place: band b of pixel (x, y) is
 * {@code data[offset + y·rowStride + x·pixelStride + bandOffset(b)]}, an unsigned byte where 0 is
 * black and 255 full intensity. Bands are grey (one) or red, green, blue (three), without alpha.
 * Mutable and reused: a loader worker keeps one and each sample repoints it.
 */
public final class ByteImage {
    private byte[] data = new byte[0];
    private int offset;
    private int width;
    private int height;
    private int pixelStride;
    private int rowStride;
    private int[] bandOffsets = new int[0];
    /** Storage this image owns, for sources that copy or convert their pixels. */
    private byte[] owned = new byte[0];

    /** Points at a CHW sample of {@code shape} in {@code data} from {@code offset} (planar bands). */
    public ByteImage setPlanar(byte[] data, int offset, SampleShape shape) {
        int plane = shape.planeSize();
        int[] bands = new int[shape.channels()];
        for (int c = 0; c < bands.length; c++) {
            bands[c] = c * plane;
        }
        return set(data, offset, shape.width(), shape.height(), 1, shape.width(), bands);
    }

    /**
     * Points at an image whose band b of pixel (x, y) is {@code data[offset + y·rowStride +
     * x·pixelStride + bandOffsets[b]]}.
     */
    public ByteImage set(byte[] data, int offset, int width, int height, int pixelStride, int rowStride,
                         int... bandOffsets) {
        if (width <= 0 || height <= 0 || bandOffsets.length == 0) {
            throw new IllegalArgumentException("an image needs a positive size and at least one band, got " + width
                    + "×" + height + " with " + bandOffsets.length + " bands");
        }
        this.data = data;
        this.offset = offset;
        this.width = width;
        this.height = height;
        this.pixelStride = pixelStride;
        this.rowStride = rowStride;
        if (this.bandOffsets.length != bandOffsets.length) {
            this.bandOffsets = new int[bandOffsets.length];
        }
        System.arraycopy(bandOffsets, 0, this.bandOffsets, 0, bandOffsets.length);
        return this;
    }

    /**
     * A buffer of at least {@code size} bytes that this image owns and keeps between samples, for a
     * source to fill before pointing the image at it with {@link #set} or {@link #setPlanar}.
     */
    public byte[] buffer(int size) {
        if (owned.length < size) {
            owned = new byte[size];
        }
        return owned;
    }

    public byte[] data() {
        return data;
    }

    public int offset() {
        return offset;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int bands() {
        return bandOffsets.length;
    }

    public int pixelStride() {
        return pixelStride;
    }

    public int rowStride() {
        return rowStride;
    }

    public int bandOffset(int band) {
        return bandOffsets[band];
    }

    /** Band {@code band} of pixel (x, y), 0 to 255. */
    public int get(int x, int y, int band) {
        return data[offset + y * rowStride + x * pixelStride + bandOffsets[band]] & 0xFF;
    }

    @Override
    public String toString() {
        return "ByteImage[" + width + "×" + height + ", bands at " + Arrays.toString(bandOffsets) + ", pixel stride "
                + pixelStride + ", row stride " + rowStride + "]";
    }
}
