package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxDatasetTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "gzipped = {0}")
    @ValueSource(booleans = {false, true})
    void roundTripGivesExactPixelsAndLabels(boolean gz) throws IOException {
        // Two 2×3 images with pixel bytes 0, 51, 102, 153, 204, 255 and 255 .. 0: value b reads as b / 255.
        byte[] pixels = {0, 51, 102, (byte) 153, (byte) 204, (byte) 255,
                (byte) 255, (byte) 204, (byte) 153, 102, 51, 0};
        Path images = IdxTestFiles.write(dir, "images", gz, IdxTestFiles.images(2, 2, 3, pixels));
        Path labels = IdxTestFiles.write(dir, "labels", gz, IdxTestFiles.labels(new byte[] {7, 3}));

        Dataset d = IdxDataset.load(images, labels, "tiny", null);

        assertEquals(2, d.size());
        assertEquals(new SampleShape(1, 2, 3), d.sampleShape());
        assertEquals(10, d.numClasses(), "MNIST-style data has ten classes even when a split shows fewer");
        float[] out = new float[1 + 12];
        assertEquals(7, d.read(0, out, 1));
        assertEquals(3, d.read(1, out, 7));
        float[] expected = {0, 0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f, 1f, 0.8f, 0.6f, 0.4f, 0.2f, 0f};
        // b / 255 in float for b = 51k is within an ulp of k / 5.
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], out[i], 1e-7, "element " + i);
        }
        assertEquals(3, d.label(1));
    }

    @Test
    void directoryOfStandardNamesLoadsBothSplits() throws IOException {
        IdxTestFiles.writeDirectory(dir, true, 12, 5);
        DatasetSplits splits = IdxDataset.openDirectory(dir);
        assertEquals(12, splits.train().size());
        assertEquals(5, splits.test().orElseThrow().size());
        assertEquals(4, splits.test().orElseThrow().label(4));
    }

    @Test
    void fashionDirectoryGetsFashionClassNames() throws IOException {
        Path fashion = dir.resolve("fashion-mnist");
        IdxTestFiles.writeDirectory(fashion, false, 3, 2);
        Dataset train = IdxDataset.openDirectory(fashion).train();
        assertEquals("T-shirt/top", train.classNames().get(0));
        assertEquals("Ankle boot", train.classNames().get(9));
        Path plain = dir.resolve("digits");
        IdxTestFiles.writeDirectory(plain, false, 3, 2);
        assertEquals("0", IdxDataset.openDirectory(plain).train().classNames().get(0));
    }

    @Test
    void wrongMagicNamesFileAndNumbers() throws IOException {
        // A labels file given where images are expected: magic 0x801 instead of 0x803.
        Path swapped = IdxTestFiles.write(dir, "images", false, IdxTestFiles.labels(new byte[] {1, 2}));
        Path labels = IdxTestFiles.write(dir, "labels", false, IdxTestFiles.labels(new byte[] {1, 2}));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> IdxDataset.load(swapped, labels, "x", null));
        assertEquals(swapped, e.file());
        assertTrue(e.getMessage().contains(swapped.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("wrong magic number 0x00000801, expected 0x00000803"), e.getMessage());
    }

    @ParameterizedTest(name = "gzipped = {0}")
    @ValueSource(booleans = {false, true})
    void truncatedDataNamesFileAndSizes(boolean gz) throws IOException {
        byte[] full = IdxTestFiles.images(2, 2, 3, new byte[12]);
        Path images = IdxTestFiles.write(dir, "images", gz, Arrays.copyOf(full, full.length - 5));
        Path labels = IdxTestFiles.write(dir, "labels", gz, IdxTestFiles.labels(new byte[] {0, 1}));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> IdxDataset.load(images, labels, "x", null));
        assertEquals(images, e.file());
        assertTrue(e.getMessage().contains(images.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("12 bytes of data but only 7"),
                e.getMessage());
    }

    @Test
    void truncatedHeaderIsReported() throws IOException {
        Path images = IdxTestFiles.write(dir, "images", false, new byte[] {0, 0, 8, 3, 0, 0});
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> IdxFile.read(images, IdxFile.IMAGES_MAGIC));
        assertTrue(e.getMessage().contains("truncated: the file ends inside dimension 0"), e.getMessage());
    }

    @Test
    void damagedGzipStreamIsReportedAsTruncated() throws IOException {
        byte[] gz = IdxTestFiles.gzip(IdxTestFiles.images(50, 4, 4, IdxTestFiles.ramp(800)));
        Path images = dir.resolve("images.gz");
        Files.write(images, Arrays.copyOf(gz, gz.length / 2));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> IdxFile.read(images, IdxFile.IMAGES_MAGIC));
        assertEquals(images, e.file());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void trailingBytesMeanTheLengthDoesNotMatchTheHeader() throws IOException {
        byte[] full = IdxTestFiles.labels(new byte[] {1, 2, 3});
        Path labels = IdxTestFiles.write(dir, "labels", false, Arrays.copyOf(full, full.length + 2));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> IdxFile.read(labels, IdxFile.LABELS_MAGIC));
        assertTrue(e.getMessage().contains("length does not match the header"), e.getMessage());
    }

    @Test
    void imageAndLabelCountMismatchNamesBothFiles() throws IOException {
        Path images = IdxTestFiles.write(dir, "images", false, IdxTestFiles.images(3, 1, 1, new byte[3]));
        Path labels = IdxTestFiles.write(dir, "labels", true, IdxTestFiles.labels(new byte[] {0, 1}));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> IdxDataset.load(images, labels, "x", null));
        assertEquals(labels, e.file());
        assertTrue(e.getMessage().contains("holds 2 labels but " + images + " holds 3 images"), e.getMessage());
    }

    @Test
    void missingFileNamesDirectoryAndExpectedNames() throws IOException {
        IdxTestFiles.writeDirectory(dir, false, 2, 2);
        Files.delete(dir.resolve(IdxDataset.TEST_LABELS));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IdxDataset.openDirectory(dir));
        assertEquals(dir, e.file());
        String m = e.getMessage();
        assertTrue(m.contains("no t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz"), m);
        assertTrue(m.contains(IdxDataset.TRAIN_IMAGES) && m.contains(IdxDataset.TEST_IMAGES), m);
    }

    @Test
    void realFashionMnistWhenInstalled() throws IOException {
        Path real = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.isRegularFile(real.resolve(IdxDataset.TRAIN_IMAGES + ".gz")), "Fashion-MNIST not installed");
        DatasetSplits splits = IdxDataset.openDirectory(real);
        Dataset train = splits.train();
        assertEquals(60_000, train.size());
        assertEquals(10_000, splits.test().orElseThrow().size());
        assertEquals(new SampleShape(1, 28, 28), train.sampleShape());
        assertEquals("Ankle boot", train.classNames().get(9));
        // The published statistics behind Normalize.FASHION_MNIST; tolerance covers their 4-digit rounding.
        double sum = 0;
        double sumSq = 0;
        float[] x = new float[784];
        for (int i = 0; i < train.size(); i++) {
            train.read(i, x, 0);
            for (float v : x) {
                sum += v;
                sumSq += (double) v * v;
            }
        }
        double n = 784.0 * train.size();
        double mean = sum / n;
        double std = Math.sqrt(sumSq / n - mean * mean);
        assertEquals(Normalize.FASHION_MNIST.mean()[0], mean, 1e-4);
        assertEquals(Normalize.FASHION_MNIST.std()[0], std, 1e-4);

        // One loader epoch over the real training set: Fashion-MNIST is balanced, 6,000 per class.
        int[] perClass = new int[10];
        try (DataLoader loader = DataLoader.builder(train).batchSize(64).seed(1)
                .augmentation(Normalize.FASHION_MNIST).build()) {
            for (Batch b : loader.epoch()) {
                for (int r = 0; r < b.size(); r++) {
                    perClass[(int) b.labels()[r]]++;
                }
            }
        }
        int[] expected = new int[10];
        Arrays.fill(expected, 6000);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, perClass);
    }
}
