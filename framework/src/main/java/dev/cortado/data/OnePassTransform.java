package dev.cortado.data;

import java.util.Arrays;
import java.util.List;

/**
 * A sample's whole geometric augmentation, its resize and its normalization done in one pass from the
 * source's 8-bit pixels to the batch row. For each output pixel the inverse of the steps gives one
 * position in the source image, sampled bilinearly: a RandomResizedCrop's box is drawn first and only
 * that box is resampled to the output size, and an image folder's file is never resized whole. No
 * float copy of the image exists at any size.
 *
 * <p>Pipelines it takes: flips anywhere, at most one of {@link RandomCrop}, {@link CenterCrop} and
 * {@link RandomResizedCrop}, and a {@link Normalize} only as the last step; {@link #plan} returns null
 * for any other (a rotation, two crops), which the loader then runs step by step on floats.
 *
 * <p>Agreement with the float path ({@link Dataset#read} then {@link AugmentationPipeline#apply}):
 * the random draws are the same calls in the same order, and where the source has the sample's size
 * every value is computed by the same expression in the same order (the bilinear weights in double,
 * the normalization (x − mean) / std in float), so the results are bit for bit the same. Where an
 * image folder resizes its file, a random resized crop is resampled once instead of twice; every
 * other step still agrees bit for bit. A flip before a resampling crop mirrors the coordinates rather
 * than the pixels, which agrees to rounding.
 */
final class OnePassTransform {
    /** byte b as the float b / 255f, as {@link ByteImageDataset#read} and the image folders convert it. */
    static final float[] UNIT = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            UNIT[i] = i / 255f;
        }
    }

    private final List<Augmentation> steps;
    private final SampleShape sampleShape;
    private final SampleShape outputShape;
    /** The index in {@link #steps} of the one crop, or -1. */
    private final int cropStep;
    private final float[] mean;
    private final float[] std;
    /** Per output channel, the normalized value of each byte: the whole computation when no resampling happens. */
    private final float[][] lookup;

    private OnePassTransform(List<Augmentation> steps, SampleShape sampleShape, int cropStep, Normalize normalize) {
        this.steps = steps;
        this.sampleShape = sampleShape;
        this.outputShape = AugmentationPipeline.of(steps).outputShape(sampleShape);
        this.cropStep = cropStep;
        int channels = sampleShape.channels();
        this.mean = normalize == null ? new float[channels] : normalize.mean();
        this.std = normalize == null ? null : normalize.std();
        this.lookup = new float[channels][256];
        for (int c = 0; c < channels; c++) {
            for (int b = 0; b < 256; b++) {
                lookup[c][b] = normalized(UNIT[b], c);
            }
        }
    }

    /**
     * The one-pass form of {@code pipeline} for samples of {@code sampleShape}, or null when the
     * pipeline has a step it cannot fold in.
     */
    static OnePassTransform plan(AugmentationPipeline pipeline, SampleShape sampleShape) {
        List<Augmentation> steps = pipeline.steps();
        int crop = -1;
        Normalize normalize = null;
        for (int i = 0; i < steps.size(); i++) {
            Augmentation step = steps.get(i);
            if (step instanceof RandomCrop || step instanceof CenterCrop || step instanceof RandomResizedCrop) {
                if (crop >= 0) {
                    return null;
                }
                crop = i;
            } else if (step instanceof Normalize n) {
                if (i != steps.size() - 1) {
                    return null;
                }
                normalize = n;
            } else if (!(step instanceof HorizontalFlip)) {
                return null;
            }
        }
        return new OnePassTransform(steps, sampleShape, crop, normalize);
    }

    /** Resizes the image to {@code shape} as floats in [0, 1]: an image folder's {@link Dataset#read}. */
    static void resize(ByteImage image, SampleShape shape, float[] dst, int offset) {
        new OnePassTransform(List.of(), shape, -1, null).apply(image, null, new Scratch(), dst, offset);
    }

    SampleShape outputShape() {
        return outputShape;
    }

    private float normalized(float unit, int channel) {
        return std == null ? unit : (unit - mean[channel]) / std[channel];
    }

    /** One worker's coordinate tables, grown to the largest output seen. */
    static final class Scratch {
        int[] x0 = new int[0];
        int[] x1 = new int[0];
        double[] dx = new double[0];
        boolean[] insideX = new boolean[0];
        int[] y0 = new int[0];
        int[] y1 = new int[0];
        double[] dy = new double[0];
        boolean[] insideY = new boolean[0];
        /**
         * +1 when every output column is inside and reads the source column after the previous one's
         * (a crop), -1 when the one before (a flipped crop), 0 otherwise.
         */
        int stepX;

        void ensure(int height, int width) {
            if (x0.length < width) {
                x0 = new int[width];
                x1 = new int[width];
                dx = new double[width];
                insideX = new boolean[width];
            }
            if (y0.length < height) {
                y0 = new int[height];
                y1 = new int[height];
                dy = new double[height];
                insideY = new boolean[height];
            }
        }
    }

    /**
     * The geometry of one sample, drawn in step order from {@code random} exactly as the steps' own
     * apply methods draw: the crop's window or box, and whether the flips before and after it mirror.
     */
    private record Draw(int top, int left, int boxHeight, int boxWidth, boolean resample, boolean flipBefore,
                        boolean flipAfter) {
    }

    private Draw draw(SampleRandom random) {
        int top = 0;
        int left = 0;
        int boxHeight = sampleShape.height();
        int boxWidth = sampleShape.width();
        boolean resample = false;
        boolean flipBefore = false;
        boolean flipAfter = false;
        for (int i = 0; i < steps.size(); i++) {
            Augmentation step = steps.get(i);
            if (step instanceof HorizontalFlip flip) {
                if (flip.draw(random)) {
                    if (cropStep >= 0 && i > cropStep) {
                        flipAfter = !flipAfter;
                    } else {
                        flipBefore = !flipBefore;
                    }
                }
            } else if (step instanceof RandomCrop crop) {
                int[] w = crop.window(sampleShape, random);
                top = w[0];
                left = w[1];
            } else if (step instanceof CenterCrop crop) {
                int[] w = crop.window(sampleShape);
                top = w[0];
                left = w[1];
            } else if (step instanceof RandomResizedCrop crop) {
                int[] r = crop.region(sampleShape, random);
                top = r[0];
                left = r[1];
                boxHeight = r[2];
                boxWidth = r[3];
                resample = true;
            }
        }
        return new Draw(top, left, boxHeight, boxWidth, resample, flipBefore, flipAfter);
    }

    /**
     * For each output index along one axis, the source position it reads: indices {@code i0}, {@code
     * i1} and the weight {@code d} of i1, or outside (a padded crop's zero fill). Follows the steps
     * backwards: the flips after the crop, the crop, the flips before it, then the resize from the
     * sample's size to the source's. Returns whether every weight is zero (no interpolation needed).
     */
    private static boolean axis(int outLength, int sampleLength, int sourceLength, int start, int box, boolean resample,
                                boolean flipAfter, boolean flipBefore, int[] i0, int[] i1, double[] d,
                                boolean[] inside) {
        boolean whole = true;
        double sampleScale = (double) box / outLength;
        double sourceScale = (double) sourceLength / sampleLength;
        for (int o = 0; o < outLength; o++) {
            int x = flipAfter ? outLength - 1 - o : o;
            double position;
            boolean in = true;
            if (resample) {
                // Bilinear.resize's mapping of output x to the box, half-pixel centres, clamped to the sample.
                position = clamp(start + (x + 0.5) * sampleScale - 0.5, sampleLength - 1);
            } else {
                position = x + start;
                in = position >= 0 && position < sampleLength;
            }
            if (flipBefore) {
                position = sampleLength - 1 - position;
            }
            if (sourceLength != sampleLength) {
                // The image folder's resize of the whole file to the sample size, the same expression.
                position = clamp(0 + (position + 0.5) * sourceScale - 0.5, sourceLength - 1);
            }
            inside[o] = in;
            if (!in) {
                continue;
            }
            int p0 = (int) position;
            i0[o] = p0;
            i1[o] = Math.min(p0 + 1, sourceLength - 1);
            d[o] = position - p0;
            whole &= d[o] == 0;
        }
        return whole;
    }

    private static double clamp(double v, int max) {
        return v < 0 ? 0 : Math.min(v, max);
    }

    /**
     * Draws the sample's geometry and fills the coordinate tables; returns whether no output pixel
     * needs interpolation (every weight zero).
     */
    private boolean prepare(ByteImage image, SampleRandom random, Scratch s) {
        if (image.bands() != 1 && image.bands() != outputShape.channels()) {
            throw new IllegalArgumentException("a " + image.bands() + "-band image cannot become " + outputShape.channels()
                    + " channels; a dataset gives one band per channel, or one grey band");
        }
        Draw g = draw(random);
        int outH = outputShape.height();
        int outW = outputShape.width();
        s.ensure(outH, outW);
        boolean wholeY = axis(outH, sampleShape.height(), image.height(), g.top(), g.boxHeight(), g.resample(), false,
                false, s.y0, s.y1, s.dy, s.insideY);
        boolean wholeX = axis(outW, sampleShape.width(), image.width(), g.left(), g.boxWidth(), g.resample(),
                g.flipAfter(), g.flipBefore(), s.x0, s.x1, s.dx, s.insideX);
        s.stepX = wholeX ? step(s, outW) : 0;
        return wholeX && wholeY;
    }

    private static int step(Scratch s, int outW) {
        int step = outW > 1 ? s.x0[1] - s.x0[0] : 1;
        if (step != 1 && step != -1) {
            return 0;
        }
        for (int o = 0; o < outW; o++) {
            if (!s.insideX[o] || s.x0[o] != s.x0[0] + o * step) {
                return 0;
            }
        }
        return step;
    }

    /**
     * Writes the transformed sample as {@code outputShape()} floats, CHW, into {@code dst} from
     * {@code offset}. {@code random} may be null for a pipeline with no random step.
     */
    void apply(ByteImage image, SampleRandom random, Scratch s, float[] dst, int offset) {
        boolean whole = prepare(image, random, s);
        int outH = outputShape.height();
        int outW = outputShape.width();
        int plane = outH * outW;
        byte[] data = image.data();
        int ps = image.pixelStride();
        int rs = image.rowStride();
        boolean grey = image.bands() == 1;
        for (int c = 0; c < outputShape.channels(); c++) {
            int band = image.offset() + image.bandOffset(grey ? 0 : c);
            float[] lut = lookup[c];
            float zero = lut[0];
            int out = offset + c * plane;
            for (int oy = 0; oy < outH; oy++, out += outW) {
                if (!s.insideY[oy]) {
                    Arrays.fill(dst, out, out + outW, zero);
                    continue;
                }
                int rowA = band + s.y0[oy] * rs;
                if (whole && s.stepX != 0) {
                    // A crop, flipped or not: consecutive source pixels, the common case worth its own loop.
                    int in = rowA + s.x0[0] * ps;
                    int step = s.stepX * ps;
                    for (int ox = 0; ox < outW; ox++, in += step) {
                        dst[out + ox] = lut[data[in] & 0xFF];
                    }
                    continue;
                }
                if (whole) {
                    for (int ox = 0; ox < outW; ox++) {
                        dst[out + ox] = s.insideX[ox] ? lut[data[rowA + s.x0[ox] * ps] & 0xFF] : zero;
                    }
                    continue;
                }
                int rowB = band + s.y1[oy] * rs;
                double dy = s.dy[oy];
                for (int ox = 0; ox < outW; ox++) {
                    if (!s.insideX[ox]) {
                        dst[out + ox] = zero;
                        continue;
                    }
                    int xa = s.x0[ox] * ps;
                    int xb = s.x1[ox] * ps;
                    double dx = s.dx[ox];
                    // Bilinear.resize's expression on the same floats, so that the two paths agree bit for bit.
                    double top = UNIT[data[rowA + xa] & 0xFF] * (1 - dx) + UNIT[data[rowA + xb] & 0xFF] * dx;
                    double bottom = UNIT[data[rowB + xa] & 0xFF] * (1 - dx) + UNIT[data[rowB + xb] & 0xFF] * dx;
                    dst[out + ox] = normalized((float) (top * (1 - dy) + bottom * dy), c);
                }
            }
        }
    }

    /**
     * Writes the transformed sample as {@code outputShape()} bytes, CHW, into {@code dst} from
     * {@code offset}: interpolated values rounded to the nearest byte, the padding 0. For a pipeline
     * without normalization (which a consumer of bytes applies itself).
     */
    void applyBytes(ByteImage image, SampleRandom random, Scratch s, byte[] dst, int offset) {
        if (std != null) {
            throw new IllegalStateException("a pipeline with normalization writes floats, not bytes");
        }
        boolean whole = prepare(image, random, s);
        int outH = outputShape.height();
        int outW = outputShape.width();
        int plane = outH * outW;
        byte[] data = image.data();
        int ps = image.pixelStride();
        int rs = image.rowStride();
        boolean grey = image.bands() == 1;
        for (int c = 0; c < outputShape.channels(); c++) {
            int band = image.offset() + image.bandOffset(grey ? 0 : c);
            int out = offset + c * plane;
            for (int oy = 0; oy < outH; oy++, out += outW) {
                if (!s.insideY[oy]) {
                    Arrays.fill(dst, out, out + outW, (byte) 0);
                    continue;
                }
                int rowA = band + s.y0[oy] * rs;
                if (whole) {
                    if (ps == 1 && s.stepX == 1) {
                        System.arraycopy(data, rowA + s.x0[0], dst, out, outW);
                        continue;
                    }
                    for (int ox = 0; ox < outW; ox++) {
                        dst[out + ox] = s.insideX[ox] ? data[rowA + s.x0[ox] * ps] : 0;
                    }
                    continue;
                }
                int rowB = band + s.y1[oy] * rs;
                double dy = s.dy[oy];
                for (int ox = 0; ox < outW; ox++) {
                    if (!s.insideX[ox]) {
                        dst[out + ox] = 0;
                        continue;
                    }
                    int xa = s.x0[ox] * ps;
                    int xb = s.x1[ox] * ps;
                    double dx = s.dx[ox];
                    double top = (data[rowA + xa] & 0xFF) * (1 - dx) + (data[rowA + xb] & 0xFF) * dx;
                    double bottom = (data[rowB + xa] & 0xFF) * (1 - dx) + (data[rowB + xb] & 0xFF) * dx;
                    dst[out + ox] = (byte) (int) (top * (1 - dy) + bottom * dy + 0.5);
                }
            }
        }
    }
}
