package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The byte path (8-bit pixels through {@link OnePassTransform}) against the float path ({@link
 * Dataset#read} then the pipeline's steps one by one), which the loader takes for a dataset without
 * byte pixels.
 */
class OnePassTransformTest {
    static final SampleShape SHAPE = new SampleShape(3, 12, 10);
    static final Normalize NORMALIZE = new Normalize(new float[] {0.4f, 0.5f, 0.6f}, new float[] {0.2f, 0.25f, 0.3f});

    /** n samples of uniformly random bytes. */
    static ByteImageDataset noise(int n, SampleShape shape, long seed) {
        byte[] pixels = new byte[n * shape.size()];
        new Random(seed).nextBytes(pixels);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 3);
        }
        return new ByteImageDataset("noise", shape, pixels, labels, 3, null);
    }

    /** The same samples with only {@link Dataset#read}: the loader's float path. */
    static Dataset floatsOnly(Dataset d) {
        return new Dataset() {
            @Override
            public int size() {
                return d.size();
            }

            @Override
            public SampleShape sampleShape() {
                return d.sampleShape();
            }

            @Override
            public int numClasses() {
                return d.numClasses();
            }

            @Override
            public int label(int index) {
                return d.label(index);
            }

            @Override
            public int read(int index, float[] dst, int offset) {
                return d.read(index, dst, offset);
            }

            @Override
            public String description() {
                return d.description() + " as floats";
            }
        };
    }

    static Stream<Arguments> pipelines() {
        return Stream.of(
                Arguments.of("nothing", AugmentationPipeline.identity()),
                Arguments.of("normalize", AugmentationPipeline.of(NORMALIZE)),
                Arguments.of("padded crop, flip, normalize",
                        AugmentationPipeline.of(new RandomCrop(12, 10, 3), HorizontalFlip.half(), NORMALIZE)),
                Arguments.of("flip then padded crop", AugmentationPipeline.of(HorizontalFlip.half(), new RandomCrop(9, 7, 2))),
                Arguments.of("center crop, normalize", AugmentationPipeline.of(new CenterCrop(7, 6), NORMALIZE)),
                Arguments.of("resized crop, flip, normalize",
                        AugmentationPipeline.of(RandomResizedCrop.of(7, 9), HorizontalFlip.half(), NORMALIZE)),
                Arguments.of("resized crop upwards", AugmentationPipeline.of(RandomResizedCrop.of(20, 16))),
                Arguments.of("two flips", AugmentationPipeline.of(HorizontalFlip.half(), new HorizontalFlip(0.7))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pipelines")
    void theBytePathIsTheFloatPathBitForBit(String name, AugmentationPipeline pipeline) {
        assertNotNull(OnePassTransform.plan(pipeline, SHAPE), name + " folds into one pass");
        ByteImageDataset data = noise(23, SHAPE, 1);
        List<DataLoaderTest.Snapshot> bytes = DataLoaderTest.batches(data, pipeline, 2, 2);
        List<DataLoaderTest.Snapshot> floats = DataLoaderTest.batches(floatsOnly(data), pipeline, 2, 2);
        for (int i = 0; i < bytes.size(); i++) {
            floats.get(i).assertSameAs(bytes.get(i));
        }
    }

    @Test
    void aFlipBeforeAResampledCropAgreesToRounding() {
        AugmentationPipeline pipeline = AugmentationPipeline.of(HorizontalFlip.half(), RandomResizedCrop.of(7, 9),
                NORMALIZE);
        ByteImageDataset data = noise(23, SHAPE, 2);
        List<DataLoaderTest.Snapshot> bytes = DataLoaderTest.batches(data, pipeline, 1, 1);
        List<DataLoaderTest.Snapshot> floats = DataLoaderTest.batches(floatsOnly(data), pipeline, 1, 1);
        for (int i = 0; i < bytes.size(); i++) {
            // Mirrored coordinates weight the same two pixels by (1 - d, d) computed from the other side:
            // a few ulps of values within about ±3 after normalization.
            assertArrayEquals(floats.get(i).images(), bytes.get(i).images(), 1e-5f);
        }
    }

    @Test
    void stepsItCannotFoldLeaveThePipelineToTheFloatPath() {
        assertNull(OnePassTransform.plan(AugmentationPipeline.of(RandomRotation.upTo(15)), SHAPE));
        assertNull(OnePassTransform.plan(AugmentationPipeline.of(new RandomCrop(12, 10, 1), new CenterCrop(8, 8)), SHAPE));
        assertNull(OnePassTransform.plan(AugmentationPipeline.of(NORMALIZE, HorizontalFlip.half()), SHAPE),
                "a zero fill after normalization is not the normalized zero");
        // And the loader still gives the float path's batches for them.
        AugmentationPipeline rotate = AugmentationPipeline.of(RandomRotation.upTo(15), NORMALIZE);
        ByteImageDataset data = noise(11, SHAPE, 3);
        List<DataLoaderTest.Snapshot> a = DataLoaderTest.batches(data, rotate, 2, 1);
        List<DataLoaderTest.Snapshot> b = DataLoaderTest.batches(floatsOnly(data), rotate, 1, 1);
        for (int i = 0; i < a.size(); i++) {
            b.get(i).assertSameAs(a.get(i));
        }
    }

    @Test
    void interleavedAndGreySourcesAreReadThroughTheirStrides() {
        // A 3×2 BGR raster with a padded row (row stride 10), as an AWT raster may have.
        byte[] raster = new byte[20];
        for (int i = 0; i < raster.length; i++) {
            raster[i] = (byte) (i * 11);
        }
        ByteImage bgr = new ByteImage().set(raster, 0, 3, 2, 3, 10, 2, 1, 0);
        float[] out = new float[3 * 2 * 3];
        OnePassTransform.resize(bgr, new SampleShape(3, 2, 3), out, 0);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                for (int c = 0; c < 3; c++) {
                    int b = raster[y * 10 + x * 3 + (2 - c)] & 0xFF;
                    assertEquals(b / 255f, out[c * 6 + y * 3 + x], 0f, "channel " + c + " at " + x + "," + y);
                }
            }
        }
        // One grey band feeds all three channels.
        ByteImage grey = new ByteImage().set(raster, 1, 3, 2, 1, 3, 0);
        OnePassTransform.resize(grey, new SampleShape(3, 2, 3), out, 0);
        for (int c = 0; c < 3; c++) {
            assertEquals((raster[1 + 4] & 0xFF) / 255f, out[c * 6 + 4], 0f);
        }
    }
}
