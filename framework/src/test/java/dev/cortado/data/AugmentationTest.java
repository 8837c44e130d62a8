package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    /** A 3×3 single-channel image 1..9, row by row. */
    static final float[] NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    static final SampleShape ONE_3X3 = new SampleShape(1, 3, 3);

    static float[] run(Augmentation a, float[] src, SampleShape shape, long seed) {
        float[] dst = new float[a.outputShape(shape).size()];
        a.apply(src, 0, shape, dst, 0, new SampleRandom(seed));
        return dst;
    }

    @Test
    void flipReversesEveryRowOfEveryChannel() {
        float[] twoChannels = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60};
        SampleShape shape = new SampleShape(2, 2, 3);
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 30, 20, 10, 60, 50, 40},
                run(new HorizontalFlip(1), twoChannels, shape, 0));
        assertArrayEquals(twoChannels, run(new HorizontalFlip(0), twoChannels, shape, 0));
    }

    @Test
    void halfFlipMirrorsAboutHalfTheSamples() {
        int flipped = 0;
        for (long seed = 0; seed < 1000; seed++) {
            if (run(HorizontalFlip.half(), NINE, ONE_3X3, seed)[0] == 3) {
                flipped++;
            }
        }
        // Binomial(1000, 0.5): std 15.8, so ±80 is five standard deviations.
        assertEquals(500, flipped, 80);
    }

    @Test
    void cropWithPaddingShiftsTheImageAndFillsZeros() {
        // Window at (-1, -1) of the zero-padded image: the image moves down and right by one.
        float[] out = new float[9];
        RandomCrop.crop(NINE, 0, ONE_3X3, -1, -1, 3, 3, out, 0);
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 0, 4, 5}, out);
        RandomCrop.crop(NINE, 0, ONE_3X3, 1, 0, 3, 3, out, 0);
        assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9, 0, 0, 0}, out);
    }

    @Test
    void randomCropDrawsEveryOffsetOfThePaddedImage() {
        // Pad 1, crop 3 of a 3×3 image: offsets (dy, dx) in {-1, 0, 1}², each one shift of the image.
        Set<String> offsets = new HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            float[] out = run(new RandomCrop(3, 3, 1), NINE, ONE_3X3, seed);
            boolean matched = false;
            for (int dy = -1; dy <= 1 && !matched; dy++) {
                for (int dx = -1; dx <= 1 && !matched; dx++) {
                    float[] shifted = new float[9];
                    RandomCrop.crop(NINE, 0, ONE_3X3, dy, dx, 3, 3, shifted, 0);
                    if (java.util.Arrays.equals(shifted, out)) {
                        offsets.add(dy + "," + dx);
                        matched = true;
                    }
                }
            }
            assertTrue(matched, "seed " + seed + " gave no shift of the image");
        }
        assertEquals(9, offsets.size());
    }

    @Test
    void rotationByZeroIsIdentity() {
        float[] out = new float[9];
        RandomRotation.rotate(NINE, 0, ONE_3X3, 0, out, 0);
        assertArrayEquals(NINE, out);
        assertArrayEquals(NINE, run(new RandomRotation(0, 0), NINE, ONE_3X3, 9));
    }

    @Test
    void quarterTurnsMovePixelsCounterClockwise() {
        float[] out = new float[9];
        RandomRotation.rotate(NINE, 0, ONE_3X3, 90, out, 0);
        // The right column comes to the top: the image turns counter-clockwise, as torchvision's rotate.
        assertArrayEquals(new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, out);
        RandomRotation.rotate(NINE, 0, ONE_3X3, 180, out, 0);
        assertArrayEquals(new float[] {9, 8, 7, 6, 5, 4, 3, 2, 1}, out);
        // Even sizes rotate about the point between the middle pixels, still landing on the grid.
        float[] four = {1, 2, 3, 4};
        float[] out4 = new float[4];
        RandomRotation.rotate(four, 0, new SampleShape(1, 2, 2), -90, out4, 0);
        assertArrayEquals(new float[] {3, 1, 4, 2}, out4);
    }

    @Test
    void fortyFiveDegreesInterpolatesBilinearlyWithZeroFill() {
        float[] out = new float[9];
        RandomRotation.rotate(NINE, 0, ONE_3X3, 45, out, 0);
        // Corner (0, 0) reads the source at (y, x) = (1 − √2, 1): between the zero fill above row 0 and
        // pixel (0, 1) = 2, weight 2 − √2 on the pixel. Float arithmetic: 1e-6.
        assertEquals(2 * (2 - Math.sqrt(2)), out[0], 1e-6);
        assertEquals(5, out[4], 1e-6, "the centre stays put");
    }

    @Test
    void randomRotationDrawsItsAngleFromTheRange() {
        long seed = 77;
        double angle = new SampleRandom(seed).uniform(-15, 15);
        assertTrue(Math.abs(angle) <= 15);
        float[] expected = new float[9];
        RandomRotation.rotate(NINE, 0, ONE_3X3, angle, expected, 0);
        assertArrayEquals(expected, run(RandomRotation.upTo(15), NINE, ONE_3X3, seed));
    }

    @Test
    void resizedCropOfTheWholeImageAveragesBlocksWhenHalving() {
        float[] img = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30};
        SampleShape shape = new SampleShape(1, 4, 4);
        RandomResizedCrop whole = new RandomResizedCrop(2, 2, 1, 1, 1, 1);
        // Half-pixel centres: output (0, 0) samples source (0.5, 0.5), the mean of the top-left 2×2 block.
        assertArrayEquals(new float[] {5, 9, 21, 25}, run(whole, img, shape, 3), 1e-6f);
    }

    @Test
    void resizedCropRegionsRespectScaleAndRatio() {
        RandomResizedCrop crop = RandomResizedCrop.of(8, 8);
        SampleShape shape = new SampleShape(3, 64, 64);
        for (long seed = 0; seed < 500; seed++) {
            int[] r = crop.region(shape, new SampleRandom(seed));
            double scale = (double) r[2] * r[3] / (64 * 64);
            double ratio = (double) r[3] / r[2];
            assertTrue(r[0] >= 0 && r[1] >= 0 && r[0] + r[2] <= 64 && r[1] + r[3] <= 64, "inside the image");
            // Rounding the side lengths to integers moves area and ratio slightly past the ranges.
            assertTrue(scale >= 0.08 * 0.8 && scale <= 1, "scale " + scale);
            assertTrue(ratio >= 0.75 * 0.85 && ratio <= 4.0 / 3 / 0.85, "ratio " + ratio);
        }
    }

    @Test
    void resizedCropFallsBackToTheCentreWhenNoDrawFits() {
        // A 1×10 strip cannot hold a crop of ratio in [1, 1] with scale 1: ten attempts fail, the fallback
        // takes the centred 1×1 square.
        RandomResizedCrop square = new RandomResizedCrop(1, 1, 1, 1, 1, 1);
        int[] r = square.region(new SampleShape(1, 1, 10), new SampleRandom(0));
        assertArrayEquals(new int[] {0, 4, 1, 1}, r);
    }

    @Test
    void normalizeSubtractsMeanAndDividesByStdPerChannel() {
        Normalize n = new Normalize(new float[] {0.5f, 0.25f}, new float[] {0.5f, 0.125f});
        float[] out = run(n, new float[] {0, 1, 0.25f, 0.5f}, new SampleShape(2, 1, 2), 0);
        // (0 − .5)/.5, (1 − .5)/.5, (.25 − .25)/.125, (.5 − .25)/.125: exact in binary.
        assertArrayEquals(new float[] {-1, 1, 0, 2}, out);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Normalize.CIFAR10.outputShape(new SampleShape(1, 28, 28)));
        assertTrue(e.getMessage().contains("3 channel(s)"), e.getMessage());
    }

    @Test
    void centerCropTakesTheMiddle() {
        float[] img = new float[16];
        for (int i = 0; i < 16; i++) {
            img[i] = i;
        }
        assertArrayEquals(new float[] {5, 6, 9, 10}, run(new CenterCrop(2, 2), img, new SampleShape(1, 4, 4), 0));
    }

    @Test
    void pipelineChainsStepsAndTracksShapes() {
        AugmentationPipeline p = AugmentationPipeline.of(
                new CenterCrop(2, 2), new HorizontalFlip(1), new Normalize(new float[] {1}, new float[] {2}));
        assertEquals(new SampleShape(1, 2, 2), p.outputShape(ONE_3X3));
        AugmentationPipeline.Workspace ws = p.newWorkspace(ONE_3X3);
        System.arraycopy(NINE, 0, ws.input(), 0, 9);
        float[] out = new float[5];
        p.apply(ws, out, 1, new SampleRandom(0));
        // Centre crop of a 3×3 at round-half-even(0.5) = 0: [1 2; 4 5]; flipped [2 1; 5 4]; then (x − 1)/2.
        assertArrayEquals(new float[] {0, 0.5f, 0, 2, 1.5f}, out);
        assertThrows(IllegalArgumentException.class,
                () -> AugmentationPipeline.of(new CenterCrop(4, 4)).outputShape(ONE_3X3));
    }
}
