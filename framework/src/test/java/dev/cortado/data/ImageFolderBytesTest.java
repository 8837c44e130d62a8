package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image folder's byte path: the decoded raster read in place, against the per-pixel getRGB
 * conversion the folder used before, for each kind of file ImageIO decodes to.
 */
class ImageFolderBytesTest {
    private static final int W = 40;
    private static final int H = 32;

    @TempDir
    Path dir;

    /** A smooth colour image with some noise, so that resampling differences stay small but nonzero. */
    private static BufferedImage picture(int type, long seed) {
        BufferedImage image = new BufferedImage(W, H, type);
        Random random = new Random(seed);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int r = Math.min(255, x * 6 + random.nextInt(8));
                int g = Math.min(255, y * 7 + random.nextInt(8));
                int b = Math.min(255, (x + y) * 3 + random.nextInt(8));
                image.setRGB(x, y, 0xFF000000 | r << 16 | g << 8 | b);
            }
        }
        return image;
    }

    private void write(BufferedImage image, String format, String name) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(image, format, file.toFile()), "ImageIO writes " + format);
    }

    private static BufferedImage grey16(long seed) {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_USHORT_GRAY);
        Random random = new Random(seed);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                image.getRaster().setSample(x, y, 0, x * 1500 + random.nextInt(1000));
            }
        }
        return image;
    }

    private static BufferedImage palette(long seed) {
        byte[] r = new byte[16];
        byte[] g = new byte[16];
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            r[i] = (byte) (i * 16);
            g[i] = (byte) (255 - i * 9);
            b[i] = (byte) (i * i);
        }
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(4, 16, r, g, b));
        Random random = new Random(seed);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                image.getRaster().setSample(x, y, 0, random.nextInt(16));
            }
        }
        return image;
    }

    /** One file of every kind, in two classes. */
    @BeforeEach
    void files() throws IOException {
        write(picture(BufferedImage.TYPE_INT_RGB, 1), "jpg", "a/photo.jpg");
        write(picture(BufferedImage.TYPE_INT_RGB, 2), "png", "a/rgb.png");
        write(picture(BufferedImage.TYPE_INT_ARGB, 3), "png", "a/rgba.png");
        BufferedImage grey = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(picture(BufferedImage.TYPE_INT_RGB, 4), 0, 0, null);
        write(grey, "png", "b/grey.png");
        write(grey16(5), "png", "b/grey16.png");
        write(palette(6), "gif", "b/palette.gif");
        try (InputStream cmyk = getClass().getResourceAsStream("/images/cmyk.jpg")) {
            Files.copy(cmyk, dir.resolve("b/cmyk.jpg"));
        }
    }

    /** The conversion ImageFolderDataset.read used before the byte path: getRGB per pixel, floats, resize. */
    private static float[] reference(Path file, SampleShape shape) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        int h = image.getHeight();
        int w = image.getWidth();
        int plane = h * w;
        int channels = shape.channels();
        float[] out = new float[channels * plane];
        Raster raster = image.getRaster();
        boolean gray = image.getColorModel().getColorSpace().getNumComponents() == 1
                && image.getColorModel().getComponentSize(0) <= 16;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (gray) {
                    float v = raster.getSample(x, y, 0) / (float) ((1 << image.getColorModel().getComponentSize(0)) - 1);
                    for (int c = 0; c < channels; c++) {
                        out[c * plane + y * w + x] = v;
                    }
                    continue;
                }
                int rgb = image.getRGB(x, y);
                float r = ((rgb >> 16) & 0xFF) / 255f;
                float g = ((rgb >> 8) & 0xFF) / 255f;
                float b = (rgb & 0xFF) / 255f;
                if (channels == 1) {
                    out[y * w + x] = 0.299f * r + 0.587f * g + 0.114f * b;
                } else {
                    out[y * w + x] = r;
                    out[plane + y * w + x] = g;
                    out[2 * plane + y * w + x] = b;
                }
            }
        }
        float[] resized = new float[shape.size()];
        Bilinear.resize(out, 0, new SampleShape(channels, h, w), 0, 0, h, w, resized, 0, shape.height(), shape.width());
        return resized;
    }

    @Test
    void readGivesTheGetRgbConversionBitForBitForEveryKindOfFile() throws IOException {
        for (SampleShape shape : List.of(new SampleShape(3, H, W), new SampleShape(3, 20, 16), new SampleShape(1, 20, 16),
                new SampleShape(3, 45, 50))) {
            ImageFolderDataset folder = ImageFolderDataset.open(dir, shape);
            float[] got = new float[shape.size()];
            for (int i = 0; i < folder.size(); i++) {
                folder.read(i, got, 0);
                assertArrayEquals(reference(folder.file(i), shape), got, 0f, folder.file(i) + " as " + shape);
            }
        }
    }

    @Test
    void thePixelsTheLoaderReadsAreReadsValuesToTheEightBitRounding() throws IOException {
        for (SampleShape shape : List.of(new SampleShape(3, 20, 16), new SampleShape(1, 20, 16))) {
            ImageFolderDataset folder = ImageFolderDataset.open(dir, shape);
            float[] expected = new float[shape.size()];
            float[] got = new float[shape.size()];
            ByteImage pixels = new ByteImage();
            for (int i = 0; i < folder.size(); i++) {
                folder.read(i, expected, 0);
                assertEquals(folder.label(i), folder.readPixels(i, pixels));
                assertTrue(pixels.bands() == shape.channels() || pixels.bands() == 1, pixels.toString());
                OnePassTransform.resize(pixels, shape, got, 0);
                String name = folder.file(i).getFileName().toString();
                // 16-bit grey and luma of colour are rounded to 8 bits: half a step; the rest are the same bytes.
                boolean rounded = name.equals("grey16.png") || shape.channels() == 1 && !name.startsWith("grey");
                assertArrayEquals(expected, got, rounded ? 0.5f / 255 + 1e-6f : 0f, name + " as " + shape);
            }
        }
    }

    @Test
    void theLoadersBytePathMatchesItsFloatPathOnAResizedFolder() throws IOException {
        Files.delete(dir.resolve("b/grey16.png")); // rounded to 8 bits on the byte path, as checked above
        SampleShape shape = new SampleShape(3, 20, 16);
        Normalize normalize = Normalize.IMAGENET;
        ImageFolderDataset folder = ImageFolderDataset.open(dir, shape);
        for (AugmentationPipeline pipeline : List.of(AugmentationPipeline.of(normalize),
                AugmentationPipeline.of(new RandomCrop(20, 16, 2), HorizontalFlip.half(), normalize),
                AugmentationPipeline.of(new CenterCrop(12, 12), normalize))) {
            List<DataLoaderTest.Snapshot> bytes = DataLoaderTest.batches(folder, pipeline, 2, 2);
            List<DataLoaderTest.Snapshot> floats =
                    DataLoaderTest.batches(OnePassTransformTest.floatsOnly(folder), pipeline, 1, 2);
            for (int i = 0; i < bytes.size(); i++) {
                floats.get(i).assertSameAs(bytes.get(i));
            }
        }
    }

    @Test
    void aResizedCropOfAResizedFileIsResampledOnceFromTheFile() throws IOException {
        Files.delete(dir.resolve("b/grey16.png")); // rounded to 8 bits on the byte path
        SampleShape shape = new SampleShape(3, 20, 16);
        // Scales of at least half the area: every box is larger than the 6×5 output, so no clamp binds.
        RandomResizedCrop crop = new RandomResizedCrop(6, 5, 0.5, 1, 3.0 / 4, 4.0 / 3);
        OnePassTransform pass = OnePassTransform.plan(AugmentationPipeline.of(crop), shape);
        ImageFolderDataset folder = ImageFolderDataset.open(dir, shape);
        ImageFolderDataset full = ImageFolderDataset.open(dir, new SampleShape(3, H, W));
        ByteImage pixels = new ByteImage();
        float[] file = new float[3 * H * W];
        float[] expected = new float[3 * 6 * 5];
        float[] got = new float[3 * 6 * 5];
        for (int i = 0; i < folder.size(); i++) {
            folder.readPixels(i, pixels);
            pass.apply(pixels, new SampleRandom(100 + i), new OnePassTransform.Scratch(), got, 0);
            int[] box = crop.region(shape, new SampleRandom(100 + i));
            full.read(i, file, 0);
            double sy = (double) H / shape.height();
            double sx = (double) W / shape.width();
            Bilinear.resize(file, 0, new SampleShape(3, H, W), box[0] * sy, box[1] * sx, box[2] * sy, box[3] * sx,
                    expected, 0, 6, 5);
            // The same bilinear sample of the file, at positions computed in another order: rounding only.
            assertArrayEquals(expected, got, 1e-5f, folder.file(i).toString());
        }
    }

    @Test
    void anUnreadableImageStopsTheLoaderNamingTheFile() throws IOException {
        Path bad = dir.resolve("b/truncated.jpg");
        byte[] jpeg = Files.readAllBytes(dir.resolve("a/photo.jpg"));
        Files.write(bad, java.util.Arrays.copyOf(jpeg, 20));
        ImageFolderDataset folder = ImageFolderDataset.open(dir, new SampleShape(3, 20, 16));
        try (DataLoader loader = DataLoader.builder(folder).batchSize(2).shuffle(false).workers(2)
                .augmentation(HorizontalFlip.half()).build()) {
            DataLoaderException e = assertThrows(DataLoaderException.class, () -> {
                while (true) {
                    loader.next();
                }
            });
            assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
            assertTrue(e.getCause() instanceof DatasetReadException, String.valueOf(e.getCause()));
        }
    }
}
