package dev.cortado.data;

/**
 * Crops a random region whose area is a uniform fraction in [minScale, maxScale] of the sample and
 * whose aspect ratio is log-uniform in [minRatio, maxRatio], then resizes it bilinearly to
 * height×width (Szegedy et al. 2015, "Going deeper with convolutions"; the sampling follows
 * torchvision's RandomResizedCrop, including ten attempts, Python's round-half-to-even and a centre-crop fallback).
 */
public record RandomResizedCrop(int height, int width, double minScale, double maxScale, double minRatio,
        double maxRatio) implements Augmentation {
    private static final int ATTEMPTS = 10;

    public RandomResizedCrop {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("random resized crop needs a positive size, got " + height + "×" + width);
        }
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
            throw new IllegalArgumentException("scale range must satisfy 0 < min <= max <= 1, got [" + minScale + ", "
                    + maxScale + "]");
        }
        if (!(minRatio > 0 && minRatio <= maxRatio)) {
            throw new IllegalArgumentException("ratio range must satisfy 0 < min <= max, got [" + minRatio + ", "
                    + maxRatio + "]");
        }
    }

    /** torchvision's defaults: scale [0.08, 1], ratio [3/4, 4/3]. */
    public static RandomResizedCrop of(int height, int width) {
        return new RandomResizedCrop(height, width, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    @Override
    public SampleShape outputShape(SampleShape input) {
        return input.withSize(height, width);
    }

    /** The region (top, left, h, w) drawn for a sample of the given shape. */
    int[] region(SampleShape shape, SampleRandom random) {
        int h = shape.height();
        int w = shape.width();
        double area = (double) h * w;
        double logMin = Math.log(minRatio);
        double logMax = Math.log(maxRatio);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double target = area * random.uniform(minScale, maxScale);
            double aspect = Math.exp(random.uniform(logMin, logMax));
            int cw = (int) Math.rint(Math.sqrt(target * aspect));
            int ch = (int) Math.rint(Math.sqrt(target / aspect));
            if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
                int top = random.nextInt(h - ch + 1);
                int left = random.nextInt(w - cw + 1);
                return new int[] {top, left, ch, cw};
            }
        }
        double inRatio = (double) w / h;
        int cw;
        int ch;
        if (inRatio < minRatio) {
            cw = w;
            ch = (int) Math.rint(cw / minRatio);
        } else if (inRatio > maxRatio) {
            ch = h;
            cw = (int) Math.rint(ch * maxRatio);
        } else {
            cw = w;
            ch = h;
        }
        return new int[] {(h - ch) / 2, (w - cw) / 2, ch, cw};
    }

    @Override
    public void apply(float[] src, int srcOffset, SampleShape shape, float[] dst, int dstOffset, SampleRandom random) {
        int[] r = region(shape, random);
        Bilinear.resize(src, srcOffset, shape, r[0], r[1], r[2], r[3], dst, dstOffset, height, width);
    }
}
