package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFormatTest {
    @TempDir
    Path dir;

    @Test
    void detectsEachLayout() throws IOException {
        Path idx = dir.resolve("idx");
        IdxTestFiles.writeDirectory(idx, true, 2, 2);
        assertEquals(DatasetFormat.IDX, DatasetFormat.detect(idx));

        Path c10 = dir.resolve("c10");
        CifarDatasetTest.writeCifar10(c10);
        assertEquals(DatasetFormat.CIFAR10, DatasetFormat.detect(c10));

        Path c100 = dir.resolve("c100/cifar-100-binary");
        Files.createDirectories(c100);
        Files.write(c100.resolve("train.bin"), CifarDatasetTest.record(0, 1, 2));
        Files.write(c100.resolve("test.bin"), CifarDatasetTest.record(0, 1, 2));
        assertEquals(DatasetFormat.CIFAR100, DatasetFormat.detect(dir.resolve("c100")));

        Path folder = dir.resolve("folder");
        ImageFolderDatasetTest.writeGray(folder.resolve("cls/x.png"), new int[][] {{1}});
        assertEquals(DatasetFormat.IMAGE_FOLDER, DatasetFormat.detect(folder));
    }

    @Test
    void nothingRecognisableNamesTheDirectoryAndTheLayouts() throws IOException {
        Files.writeString(dir.resolve("readme.txt"), "hello");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetFormat.detect(dir));
        assertEquals(dir, e.file());
        String m = e.getMessage();
        assertTrue(m.contains("no known dataset layout") && m.contains("train-images-idx3-ubyte")
                && m.contains("data_batch_1.bin") && m.contains("train.bin"), m);
    }

    @Test
    void missingDirectoryIsNamed() {
        Path nowhere = dir.resolve("nowhere");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetFormat.detect(nowhere));
        assertTrue(e.getMessage().startsWith(nowhere + ": no such directory"), e.getMessage());
    }

    @Test
    void forcedFormatOpensEvenWhereDetectionWouldPickAnother() throws IOException {
        // CIFAR-10 binaries plus a stray class folder: detection says CIFAR-10, forcing reads the images.
        CifarDatasetTest.writeCifar10(dir);
        ImageFolderDatasetTest.writeGray(dir.resolve("cls/x.png"), new int[][] {{1}});
        ImageFolderDatasetTest.writeGray(dir.resolve("other/x.png"), new int[][] {{1}});
        assertEquals(DatasetFormat.CIFAR10, DatasetFormat.detect(dir));
        DatasetSplits s = DatasetFormat.parse("image-folder").open(dir, new SampleShape(1, 1, 1));
        assertEquals(2, s.train().size());
        assertTrue(s.test().isEmpty());
    }

    @Test
    void parseAcceptsCliSpellings() {
        assertEquals(DatasetFormat.IMAGE_FOLDER, DatasetFormat.parse("image-folder"));
        assertEquals(DatasetFormat.IMAGE_FOLDER, DatasetFormat.parse("imagefolder"));
        assertEquals(DatasetFormat.CIFAR100, DatasetFormat.parse("CIFAR100"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetFormat.parse("png"));
        assertTrue(e.getMessage().contains("unknown dataset format 'png'"), e.getMessage());
    }
}
