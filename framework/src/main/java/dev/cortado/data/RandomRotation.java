package dev.cortado.data;

/**
 * Rotates the sample about its centre by an angle drawn uniformly from [minDegrees, maxDegrees],
 * counter-clockwise for positive angles as torchvision's rotate, with bilinear interpolation and zero
 * fill outside the source. The lecture's recipe draws from [-15°, 15°].
 */
public record RandomRotation(double minDegrees, double maxDegrees) implements Augmentation {
    public RandomRotation {
        if (!(minDegrees <= maxDegrees)) {
            throw new IllegalArgumentException("rotation range [" + minDegrees + ", " + maxDegrees + "] is empty");
        }
    }

    /** Angles uniform in [-degrees, degrees]. */
    public static RandomRotation upTo(double degrees) {
        return new RandomRotation(-Math.abs(degrees), Math.abs(degrees));
    }

    @Override
    public SampleShape outputShape(SampleShape input) {
        return input;
    }

    @Override
    public void apply(float[] src, int srcOffset, SampleShape shape, float[] dst, int dstOffset, SampleRandom random) {
        rotate(src, srcOffset, shape, random.uniform(minDegrees, maxDegrees), dst, dstOffset);
    }

    /**
     * Inverse mapping: each output pixel (x, y), taken relative to the centre ((W-1)/2, (H-1)/2) with y
     * pointing down, reads the source at R·(dx, dy) where a counter-clockwise turn by θ on screen gives
     * sx = cos θ·dx − sin θ·dy, sy = sin θ·dx + cos θ·dy.
     */
    static void rotate(float[] src, int srcOffset, SampleShape shape, double degrees, float[] dst, int dstOffset) {
        int h = shape.height();
        int w = shape.width();
        double theta = Math.toRadians(degrees);
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        // Snap the multiples of 90° so that quarter turns move whole pixels with no interpolation error.
        if (Math.abs(cos) < 1e-12) {
            cos = 0;
        }
        if (Math.abs(sin) < 1e-12) {
            sin = 0;
        }
        double cy = (h - 1) / 2.0;
        double cx = (w - 1) / 2.0;
        for (int c = 0; c < shape.channels(); c++) {
            int inPlane = srcOffset + c * h * w;
            int outPlane = dstOffset + c * h * w;
            for (int y = 0; y < h; y++) {
                double dy = y - cy;
                for (int x = 0; x < w; x++) {
                    double dx = x - cx;
                    double sx = cx + cos * dx - sin * dy;
                    double sy = cy + sin * dx + cos * dy;
                    dst[outPlane + y * w + x] = Bilinear.sampleZeroFill(src, inPlane, h, w, sy, sx);
                }
            }
        }
    }
}
