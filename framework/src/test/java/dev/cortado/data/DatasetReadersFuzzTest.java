package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cortado.files.FuzzFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Any bytes given to the dataset readers either load or fail with the error the command turns into
 * exit 2 ({@link DatasetFormatException} when opening, {@link DatasetReadException} when decoding an
 * image); any other exception, a hang or an allocation out of proportion to the file is a finding.
 * Without JAZZER_FUZZ each method replays its seeds in DatasetReadersFuzzTestInputs/METHOD.
 */
class DatasetReadersFuzzTest {
    private static final Path IMAGES = FuzzFiles.file("images-idx3-ubyte");
    private static final Path LABELS = FuzzFiles.file("labels-idx1-ubyte");
    private static final Path CIFAR = FuzzFiles.file("data_batch.bin");
    private static final Path IMAGE_ROOT = FuzzFiles.file("folder");
    private static final Path IMAGE = IMAGE_ROOT.resolve("class").resolve("image.png");

    /** The input as an IDX images file, beside a valid labels file for as many images as it claims (within reason). */
    @FuzzTest(maxDuration = "2m")
    void idxImages(byte[] input) throws IOException {
        Files.write(IMAGES, input);
        int claimed = input.length >= 8 ? ByteBuffer.wrap(input, 4, 4).getInt() : 0;
        writeLabels(Math.max(0, Math.min(claimed, input.length)));
        loadIdx(input.length, isGzip(input));
    }

    /** The input as an IDX labels file, beside a valid images file of as many 2×2 images as it claims. */
    @FuzzTest(maxDuration = "2m")
    void idxLabels(byte[] input) throws IOException {
        Files.write(LABELS, input);
        int claimed = input.length >= 8 ? ByteBuffer.wrap(input, 4, 4).getInt() : 0;
        int n = Math.max(0, Math.min(claimed, input.length));
        ByteBuffer images = ByteBuffer.allocate(16 + 4 * n).putInt(IdxFile.IMAGES_MAGIC).putInt(n).putInt(2).putInt(2);
        Files.write(IMAGES, images.array());
        loadIdx(input.length + images.capacity(), isGzip(input));
    }

    private static void loadIdx(int fileBytes, boolean gzip) {
        try {
            ByteImageDataset d = IdxDataset.load(IMAGES, LABELS, "fuzz", null);
            SampleShape s = d.sampleShape();
            if (!gzip) {
                assertTrue((long) d.size() * s.channels() * s.height() * s.width() <= fileBytes, "no more pixels than bytes");
            }
            readSome(d);
        } catch (DatasetFormatException expected) {
            assertTrue(expected.getMessage().startsWith(expected.file() + ": "), expected.getMessage());
        } catch (IOException e) {
            throw new AssertionError("an IOException other than DatasetFormatException: " + e, e);
        }
    }

    /** The input as a CIFAR-10 and as a CIFAR-100 batch file. */
    @FuzzTest(maxDuration = "2m")
    void cifar(byte[] input) throws IOException {
        Files.write(CIFAR, input);
        for (int labelBytes = 1; labelBytes <= 2; labelBytes++) {
            try {
                ByteImageDataset d = CifarDataset.read(List.of(CIFAR), labelBytes, labelBytes == 1 ? 10 : 100, "fuzz",
                        null);
                assertEquals(input.length / (labelBytes + 3072), d.size());
                readSome(d);
            } catch (DatasetFormatException expected) {
                assertEquals(CIFAR, expected.file());
            }
        }
    }

    /** The input as an image in an image folder, read as RGB and as grey at 8×8. */
    @FuzzTest(maxDuration = "2m")
    void imageDecoding(byte[] input) throws IOException {
        Files.createDirectories(IMAGE.getParent());
        Files.write(IMAGE, input);
        for (ImageFolderDataset d : imageFolders()) {
            float[] dst = new float[d.sampleShape().channels() * 64];
            try {
                assertEquals(0, d.read(0, dst, 0));
                for (float v : dst) {
                    assertTrue(v >= 0f && v <= 1f, "pixels in [0, 1], got " + v);
                }
            } catch (DatasetReadException expected) {
                assertTrue(expected.getMessage().startsWith(IMAGE + ": "), expected.getMessage());
            }
        }
    }

    /** Indexed once: each read decodes the file afresh, so rewriting it is enough. */
    private static List<ImageFolderDataset> folders;

    private static List<ImageFolderDataset> imageFolders() throws IOException {
        if (folders == null) {
            // A second class, since one class is no classification problem; "other" sorts after "class",
            // so sample 0 is still the fuzzed image.
            Path other = IMAGE_ROOT.resolve("other").resolve("ok.png");
            Files.createDirectories(other.getParent());
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB),
                    "png", other.toFile());
            folders = List.of(ImageFolderDataset.open(IMAGE_ROOT, new SampleShape(3, 8, 8)),
                    ImageFolderDataset.open(IMAGE_ROOT, new SampleShape(1, 8, 8)));
        }
        return folders;
    }

    private static void readSome(Dataset d) {
        SampleShape s = d.sampleShape();
        float[] dst = new float[s.channels() * s.height() * s.width()];
        for (int i = 0; i < Math.min(d.size(), 4); i++) {
            d.read(i, dst, 0);
        }
    }

    private static void writeLabels(int n) throws IOException {
        ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(IdxFile.LABELS_MAGIC).putInt(n);
        Files.write(LABELS, labels.array());
    }

    private static boolean isGzip(byte[] input) {
        return input.length >= 2 && (input[0] & 0xFF) == 0x1f && (input[1] & 0xFF) == 0x8b;
    }
}
