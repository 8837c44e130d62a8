package dev.cortado.data;

/** Mirrors the sample left–right (each row reversed) with probability p. */
public record HorizontalFlip(double probability) implements Augmentation {
    public HorizontalFlip {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("flip probability must lie in [0, 1], got " + probability);
        }
    }

    /** The usual setting: half of the samples are flipped. */
    public static HorizontalFlip half() {
        return new HorizontalFlip(0.5);
    }

    @Override
    public SampleShape outputShape(SampleShape input) {
        return input;
    }

    @Override
    public void apply(float[] src, int srcOffset, SampleShape shape, float[] dst, int dstOffset, SampleRandom random) {
        if (draw(random)) {
            flip(src, srcOffset, shape, dst, dstOffset);
        } else {
            System.arraycopy(src, srcOffset, dst, dstOffset, shape.size());
        }
    }

    /** Whether this sample is flipped: the draw of one apply. */
    boolean draw(SampleRandom random) {
        return random.nextBoolean(probability);
    }

    static void flip(float[] src, int srcOffset, SampleShape shape, float[] dst, int dstOffset) {
        int w = shape.width();
        int rows = shape.channels() * shape.height();
        for (int r = 0; r < rows; r++) {
            int in = srcOffset + r * w;
            int out = dstOffset + r * w + w - 1;
            for (int x = 0; x < w; x++) {
                dst[out - x] = src[in + x];
            }
        }
    }
}
