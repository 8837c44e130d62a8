package dev.cortado.data;

/** Crops height×width from the middle of the sample: the evaluation counterpart of random crops. */
public record CenterCrop(int height, int width) implements Augmentation {
    public CenterCrop {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("center crop needs a positive size, got " + height + "×" + width);
        }
    }

    @Override
    public SampleShape outputShape(SampleShape input) {
        if (input.height() < height || input.width() < width) {
            throw new IllegalArgumentException("center crop " + height + "×" + width + " is larger than the "
                    + input + " sample");
        }
        return input.withSize(height, width);
    }

    @Override
    public void apply(float[] src, int srcOffset, SampleShape shape, float[] dst, int dstOffset, SampleRandom random) {
        outputShape(shape);
        int[] window = window(shape);
        RandomCrop.crop(src, srcOffset, shape, window[0], window[1], height, width, dst, dstOffset);
    }

    /** The window's top-left corner {top, left}. */
    int[] window(SampleShape shape) {
        // Rounded half to even like torchvision's center_crop, int(round((H - h) / 2)) in Python 3.
        return new int[] {(int) Math.rint((shape.height() - height) / 2.0), (int) Math.rint((shape.width() - width) / 2.0)};
    }
}
