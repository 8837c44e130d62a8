package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {
    @TempDir
    Path dir;

    static void writeRgb(Path file, int[][] rgbRows) throws IOException {
        BufferedImage image = new BufferedImage(rgbRows[0].length, rgbRows.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rgbRows.length; y++) {
            for (int x = 0; x < rgbRows[0].length; x++) {
                image.setRGB(x, y, rgbRows[y][x]);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    static void writeGray(Path file, int[][] rows) throws IOException {
        BufferedImage image = new BufferedImage(rows[0].length, rows.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[0].length; x++) {
                image.getRaster().setSample(x, y, 0, rows[y][x]);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    @Test
    void classesFollowSortedFolderNamesAndRgbIsChw() throws IOException {
        writeRgb(dir.resolve("zebra/a.png"), new int[][] {{0xFF0000, 0x00FF00}, {0x0000FF, 0xFFFFFF}});
        writeRgb(dir.resolve("ant/b.png"), new int[][] {{0x336699, 0x000000}, {0x000000, 0x000000}});
        ImageFolderDataset d = ImageFolderDataset.open(dir, new SampleShape(3, 2, 2));
        assertEquals(List.of("ant", "zebra"), d.classNames());
        assertEquals(2, d.size());
        float[] x = new float[12];
        assertEquals(1, d.read(1, x, 0));
        // Same size: the half-pixel bilinear resize lands exactly on source pixels.
        float[] expected = {1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1};
        for (int i = 0; i < 12; i++) {
            assertEquals(expected[i], x[i], 0f, "element " + i);
        }
        assertEquals(0, d.read(0, x, 0));
        assertEquals(0x33 / 255f, x[0], 1e-7);
        assertEquals(0x66 / 255f, x[4], 1e-7);
        assertEquals(0x99 / 255f, x[8], 1e-7);
    }

    @Test
    void grayImageKeepsItsValuesAndRgbBecomesLuma() throws IOException {
        writeGray(dir.resolve("g/gray.png"), new int[][] {{128, 0}, {255, 64}});
        writeRgb(dir.resolve("r/red.png"), new int[][] {{0xFF0000, 0xFF0000}, {0xFF0000, 0xFF0000}});
        ImageFolderDataset d = ImageFolderDataset.open(dir, new SampleShape(1, 2, 2));
        float[] x = new float[4];
        d.read(0, x, 0);
        // Read from the raster, so 128 stays 128/255 rather than going through a gamma conversion.
        assertEquals(128 / 255f, x[0], 1e-7);
        assertEquals(64 / 255f, x[3], 1e-7);
        d.read(1, x, 0);
        assertEquals(0.299f, x[2], 1e-6, "BT.601 luma of pure red");
    }

    @Test
    void resizeHalvesByAveragingPairs() throws IOException {
        // Half-pixel bilinear downscaling 4→2 samples at source x = 0.5 and 2.5: the mean of each pair.
        writeGray(dir.resolve("c/img.png"), new int[][] {{0, 100, 200, 250}});
        writeGray(dir.resolve("d/img.png"), new int[][] {{0, 0, 0, 0}});
        ImageFolderDataset d = ImageFolderDataset.open(dir, new SampleShape(1, 1, 2));
        float[] x = new float[2];
        d.read(0, x, 0);
        assertEquals(50 / 255f, x[0], 1e-6);
        assertEquals(225 / 255f, x[1], 1e-6);
    }

    @Test
    void trainAndTestSubfoldersShareClassIndices() throws IOException {
        writeGray(dir.resolve("train/a/1.png"), new int[][] {{1}});
        writeGray(dir.resolve("train/b/1.png"), new int[][] {{2}});
        writeGray(dir.resolve("test/b/1.png"), new int[][] {{3}});
        DatasetSplits s = DatasetFormat.openDetected(dir, new SampleShape(1, 1, 1));
        assertEquals(2, s.train().size());
        Dataset test = s.test().orElseThrow();
        assertEquals(1, test.size());
        assertEquals(1, test.label(0), "class b is index 1 in both splits");
        assertEquals(2, test.numClasses());
    }

    @Test
    void undecodableImageNamesTheFile() throws IOException {
        Path bad = dir.resolve("c/broken.png");
        Files.createDirectories(bad.getParent());
        Files.write(bad, new byte[] {1, 2, 3, 4});
        writeGray(dir.resolve("d/good.png"), new int[][] {{1, 2}, {3, 4}});
        ImageFolderDataset d = ImageFolderDataset.open(dir, new SampleShape(1, 2, 2));
        DatasetReadException e = assertThrows(DatasetReadException.class, () -> d.read(0, new float[4], 0));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }

    @Test
    void aSingleClassFolderIsNotAClassificationProblem() throws IOException {
        writeGray(dir.resolve("cat/1.png"), new int[][] {{1}});
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> ImageFolderDataset.open(dir, new SampleShape(1, 1, 1)));
        assertEquals(dir, e.file());
        assertTrue(e.getMessage().contains("'cat'") && e.getMessage().contains("two classes"), e.getMessage());
    }

    @Test
    void anEmptyClassFolderIsNamed() throws IOException {
        writeGray(dir.resolve("a/1.png"), new int[][] {{1}});
        writeGray(dir.resolve("b/1.png"), new int[][] {{1}});
        Files.createDirectories(dir.resolve("c"));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> ImageFolderDataset.open(dir, new SampleShape(1, 1, 1)));
        assertEquals(dir.resolve("c"), e.file());
    }

    @Test
    void evaluationTakesTheTestSplitOrTheWholeFolderAndTheGivenClassOrder() throws IOException {
        writeGray(dir.resolve("plain/b/1.png"), new int[][] {{1}});
        ImageFolderDataset plain = ImageFolderDataset.openForEvaluation(dir.resolve("plain"), new SampleShape(1, 1, 1),
                List.of("b", "a"));
        assertEquals(1, plain.size());
        assertEquals(0, plain.label(0), "b is the first of the given classes");
        writeGray(dir.resolve("split/test/a/1.png"), new int[][] {{1}});
        ImageFolderDataset split = ImageFolderDataset.openForEvaluation(dir.resolve("split"), new SampleShape(1, 1, 1),
                List.of("b", "a"));
        assertEquals(dir.resolve("split/test"), split.root());
        assertEquals(1, split.label(0));
    }

    @Test
    void anImageDeclaringMorePixelsThanTheLimitIsRefusedBeforeDecoding() throws IOException {
        // A 68-byte PNG whose header declares 100000×100000 pixels: 40 GB as a raster, refused from the header.
        Path huge = dir.resolve("c/huge.png");
        Files.createDirectories(huge.getParent());
        try (var in = getClass().getResourceAsStream("DatasetReadersFuzzTestInputs/imageDecoding/png-declaring-ten-gigapixels.png")) {
            Files.write(huge, in.readAllBytes());
        }
        writeGray(dir.resolve("d/good.png"), new int[][] {{1}});
        ImageFolderDataset d = ImageFolderDataset.open(dir, new SampleShape(3, 4, 4));
        DatasetReadException e = assertThrows(DatasetReadException.class, () -> d.read(0, new float[48], 0));
        assertTrue(e.getMessage().startsWith(huge + ": declares a 100000×100000 image"), e.getMessage());
    }

    @Test
    void folderWithoutClassSubfoldersIsRejected() {
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> ImageFolderDataset.open(dir, new SampleShape(1, 2, 2)));
        assertTrue(e.getMessage().contains("has no class subfolders"), e.getMessage());
    }
}
