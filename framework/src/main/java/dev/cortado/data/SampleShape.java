package dev.cortado.data;

import dev.cortado.tensor.Shape;

/** The C×H×W shape of one image sample, stored channel-major (CHW) as in an NCHW batch. */
public record SampleShape(int channels, int height, int width) {
    public SampleShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("sample shape must be positive, got " + channels + "×" + height + "×" + width);
        }
    }

    /** Elements per sample: C·H·W. */
    public int size() {
        return channels * height * width;
    }

    /** Elements per channel plane: H·W. */
    public int planeSize() {
        return height * width;
    }

    /** The NCHW shape of a batch of n such samples. */
    public Shape batchShape(int n) {
        return Shape.nchw(n, channels, height, width);
    }

    public SampleShape withSize(int newHeight, int newWidth) {
        return new SampleShape(channels, newHeight, newWidth);
    }

    @Override
    public String toString() {
        return channels + "×" + height + "×" + width;
    }
}
