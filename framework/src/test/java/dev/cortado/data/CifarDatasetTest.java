package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarDatasetTest {
    @TempDir
    Path dir;

    /**
     * One record: label bytes, then 1024 red, 1024 green, 1024 blue bytes. Pixel (c, y, x) holds
     * (c·7 + y·3 + x + seed) mod 256 so every position is distinguishable.
     */
    static byte[] record(int seed, int... labelBytes) {
        byte[] r = new byte[labelBytes.length + 3072];
        for (int i = 0; i < labelBytes.length; i++) {
            r[i] = (byte) labelBytes[i];
        }
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    r[labelBytes.length + c * 1024 + y * 32 + x] = (byte) (c * 7 + y * 3 + x + seed);
                }
            }
        }
        return r;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Writes the six CIFAR-10 files into {@code root}, two records each, labels by batch. */
    static void writeCifar10(Path root) throws IOException {
        Files.createDirectories(root);
        for (int b = 1; b <= 5; b++) {
            Files.write(root.resolve("data_batch_" + b + ".bin"), concat(record(b, b), record(10 * b, 9)));
        }
        Files.write(root.resolve("test_batch.bin"), concat(record(0, 0), record(1, 1)));
    }

    @Test
    void cifar10RecordsAreChwPixelsAfterTheLabel() throws IOException {
        writeCifar10(dir);
        DatasetSplits splits = CifarDataset.openCifar10(dir);
        Dataset train = splits.train();
        assertEquals(10, train.size());
        assertEquals(new SampleShape(3, 32, 32), train.sampleShape());
        assertEquals("airplane", train.classNames().get(0));
        // Sample 4 is the first record of data_batch_3: label 3, seed 3.
        float[] x = new float[3072];
        assertEquals(3, train.read(4, x, 0));
        assertEquals(9, train.label(5));
        int c = 2;
        int y = 5;
        int xx = 11;
        assertEquals(((c * 7 + y * 3 + xx + 3) & 0xFF) / 255f, x[c * 1024 + y * 32 + xx], 0f);
        assertEquals(2, splits.test().orElseThrow().size());
    }

    @Test
    void cifar10InsideItsArchiveFolderIsFound() throws IOException {
        writeCifar10(dir.resolve("cifar-10-batches-bin"));
        assertEquals(DatasetFormat.CIFAR10, DatasetFormat.detect(dir));
        assertEquals(10, CifarDataset.openCifar10(dir).train().size());
    }

    @Test
    void cifar100UsesTheFineLabel() throws IOException {
        Files.write(dir.resolve("train.bin"), concat(record(0, 4, 87), record(1, 19, 3)));
        Files.write(dir.resolve("test.bin"), record(2, 0, 99));
        DatasetSplits splits = CifarDataset.openCifar100(dir);
        assertEquals(100, splits.train().numClasses());
        assertEquals(87, splits.train().label(0));
        assertEquals(3, splits.train().label(1));
        assertEquals(99, splits.test().orElseThrow().label(0));
        float[] x = new float[3072];
        splits.train().read(1, x, 0);
        assertEquals(((0 * 7 + 0 * 3 + 0 + 1) & 0xFF) / 255f, x[0], 0f);
        assertEquals(((1 * 7 + 31 * 3 + 31 + 1) & 0xFF) / 255f, x[1024 + 31 * 32 + 31], 0f);
    }

    @Test
    void recordSizeMismatchNamesFileAndRecordSize() throws IOException {
        Path file = dir.resolve("data_batch_1.bin");
        // One CIFAR-100 record (3074 bytes) read as CIFAR-10 (3073-byte records).
        Files.write(file, record(0, 1, 2));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CifarDataset.read(List.of(file), 1, 10, "x", null));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains("3074 bytes is not a whole number of 3073-byte records"), e.getMessage());
    }

    @Test
    void labelOutsideTheClassesIsReported() throws IOException {
        Path file = dir.resolve("test_batch.bin");
        Files.write(file, concat(record(0, 3), record(0, 12)));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CifarDataset.read(List.of(file), 1, 10, "x", null));
        assertTrue(e.getMessage().contains("record 1 has label 12"), e.getMessage());
    }

    @Test
    void missingBatchFileIsNamed() throws IOException {
        writeCifar10(dir);
        Files.delete(dir.resolve("data_batch_4.bin"));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> CifarDataset.openCifar10(dir));
        assertEquals(dir.resolve("data_batch_4.bin"), e.file());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
}
