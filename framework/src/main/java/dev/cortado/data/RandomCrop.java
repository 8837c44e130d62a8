package dev.cortado.data;

/**
 * Pads the sample with {@code padding} zeros on every side, then crops height×width at a uniformly
 * drawn position (the CIFAR recipe of He et al. 2016: pad 4, crop 32).
 */
public record RandomCrop(int height, int width, int padding) implements Augmentation {
    public RandomCrop {
        if (height <= 0 || width <= 0 || padding < 0) {
            throw new IllegalArgumentException("random crop needs a positive size and padding >= 0, got "
                    + height + "×" + width + " padding " + padding);
        }
    }

    @Override
    public SampleShape outputShape(SampleShape input) {
        if (input.height() + 2 * padding < height || input.width() + 2 * padding < width) {
            throw new IllegalArgumentException("random crop " + height + "×" + width + " does not fit a " + input
                    + " sample padded by " + padding);
        }
        return input.withSize(height, width);
    }

    @Override
    public void apply(float[] src, int srcOffset, SampleShape shape, float[] dst, int dstOffset, SampleRandom random) {
        outputShape(shape);
        int[] window = window(shape, random);
        crop(src, srcOffset, shape, window[0], window[1], height, width, dst, dstOffset);
    }

    /** The window's top-left corner {top, left} in the unpadded sample's coordinates: the draws of one apply. */
    int[] window(SampleShape shape, SampleRandom random) {
        int top = random.nextInt(shape.height() + 2 * padding - height + 1) - padding;
        int left = random.nextInt(shape.width() + 2 * padding - width + 1) - padding;
        return new int[] {top, left};
    }

    /** Copies the window whose top-left corner is (top, left) in source coordinates; outside reads 0. */
    static void crop(float[] src, int srcOffset, SampleShape shape, int top, int left, int outH, int outW,
            float[] dst, int dstOffset) {
        int h = shape.height();
        int w = shape.width();
        for (int c = 0; c < shape.channels(); c++) {
            int inPlane = srcOffset + c * h * w;
            int outPlane = dstOffset + c * outH * outW;
            for (int y = 0; y < outH; y++) {
                int sy = y + top;
                int out = outPlane + y * outW;
                if (sy < 0 || sy >= h) {
                    java.util.Arrays.fill(dst, out, out + outW, 0f);
                    continue;
                }
                for (int x = 0; x < outW; x++) {
                    int sx = x + left;
                    dst[out + x] = sx < 0 || sx >= w ? 0f : src[inPlane + sy * w + sx];
                }
            }
        }
    }
}
