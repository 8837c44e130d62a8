package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackedDatasetTest {
    @TempDir
    Path dir;

    /** An image folder of 30×24 JPEGs and PNGs in three classes (one named in UTF-8 beyond ASCII). */
    private Path folder() throws IOException {
        Random random = new Random(5);
        String[] classes = {"chat", "chien", "écureuil"};
        for (int c = 0; c < classes.length; c++) {
            Path sub = Files.createDirectories(dir.resolve("images").resolve(classes[c]));
            for (int i = 0; i < 7; i++) {
                BufferedImage image = new BufferedImage(30, 24, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 24; y++) {
                    for (int x = 0; x < 30; x++) {
                        image.setRGB(x, y, (x * 8 + c * 40) << 16 | (y * 10) << 8 | random.nextInt(256));
                    }
                }
                ImageIO.write(image, i % 2 == 0 ? "jpg" : "png", sub.resolve(i + (i % 2 == 0 ? ".jpg" : ".png")).toFile());
            }
        }
        return dir.resolve("images");
    }

    @Test
    void aPackHoldsTheFolderDecodedAndResizedOnce() throws IOException {
        SampleShape shape = new SampleShape(3, 16, 20);
        ImageFolderDataset images = ImageFolderDataset.open(folder(), shape);
        Path file = dir.resolve("train.cpack");
        List<Integer> progress = new ArrayList<>();
        PackedDatasetWriter.pack(images, file, 2, Normalize.IMAGENET, progress::add);
        assertEquals(images.size(), (int) progress.get(progress.size() - 1), "progress reaches every sample");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of("images", "train.cpack"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file is left");
        }
        PackedDataset pack = PackedDataset.open(file);
        assertEquals(images.size(), pack.size());
        assertEquals(shape, pack.sampleShape());
        assertEquals(images.classNames(), pack.classNames());
        assertEquals(Normalize.IMAGENET, pack.normalize());
        float[] expected = new float[shape.size()];
        float[] got = new float[shape.size()];
        for (int i = 0; i < pack.size(); i++) {
            assertEquals(images.label(i), pack.label(i));
            assertEquals(images.label(i), pack.read(i, got, 0));
            images.read(i, expected, 0);
            // The pack stores the resized values rounded to bytes: half a step of 1/255.
            assertArrayEquals(expected, got, 0.5f / 255 + 1e-6f, "sample " + i);
        }
        assertEquals(DatasetFormat.PACKED, DatasetFormat.detect(file));
        assertEquals(pack.size(), DatasetFormat.openDetected(file, null).train().size());
    }

    @Test
    void aPackOfByteSamplesTrainsOnTheSameBatchesAsTheSamplesInMemory() throws IOException {
        ByteImageDataset memory = OnePassTransformTest.noise(37, OnePassTransformTest.SHAPE, 9);
        Path file = dir.resolve("noise.cpack");
        PackedDatasetWriter.pack(memory, file, 3, OnePassTransformTest.NORMALIZE, n -> { });
        PackedDataset pack = PackedDataset.open(file);
        AugmentationPipeline pipeline = AugmentationPipeline.of(RandomResizedCrop.of(8, 8), HorizontalFlip.half(),
                OnePassTransformTest.NORMALIZE);
        List<DataLoaderTest.Snapshot> a = DataLoaderTest.batches(memory, pipeline, 1, 2);
        List<DataLoaderTest.Snapshot> b = DataLoaderTest.batches(pack, pipeline, 2, 2);
        for (int i = 0; i < a.size(); i++) {
            a.get(i).assertSameAs(b.get(i));
        }
    }

    @Test
    void byteBatchesAreTheSameForAnyWorkerCountAndRoundTheFloatPath() {
        ByteImageDataset data = OnePassTransformTest.noise(29, OnePassTransformTest.SHAPE, 4);
        AugmentationPipeline pipeline = AugmentationPipeline.of(RandomResizedCrop.of(9, 7), HorizontalFlip.half());
        List<byte[]> one = byteBatches(data, pipeline, 1);
        assertEquals(one.size(), byteBatches(data, pipeline, 4).size());
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), byteBatches(data, pipeline, 4).get(i));
        }
        List<DataLoaderTest.Snapshot> floats = DataLoaderTest.batches(data, pipeline, 1, 1);
        for (int i = 0; i < floats.size(); i++) {
            float[] f = floats.get(i).images();
            for (int k = 0; k < f.length; k++) {
                assertEquals(Math.round(f[k] * 255), one.get(i)[k] & 0xFF, 1, "the byte is the float value rounded");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(data).bytes(true)
                .augmentation(OnePassTransformTest.NORMALIZE).build(), "normalization is the consumer's with bytes");
    }

    private static List<byte[]> byteBatches(Dataset data, AugmentationPipeline pipeline, int workers) {
        List<byte[]> out = new ArrayList<>();
        try (DataLoader loader = DataLoader.builder(data).batchSize(5).seed(9).augmentation(pipeline).workers(workers)
                .bytes(true).build()) {
            for (Batch b : loader.epoch()) {
                out.add(java.util.Arrays.copyOf(b.pixels(), b.size() * b.sampleShape().size()));
            }
        }
        return out;
    }

    private Path smallPack() throws IOException {
        Path file = dir.resolve("small.cpack");
        PackedDatasetWriter.pack(OnePassTransformTest.noise(6, OnePassTransformTest.SHAPE, 1), file, 1,
                OnePassTransformTest.NORMALIZE, n -> { });
        return file;
    }

    @Test
    void aTruncatedPackIsRefusedNamingTheFile() throws IOException {
        Path file = smallPack();
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 100));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> PackedDataset.open(file));
        assertTrue(e.getMessage().startsWith(file + ": truncated"), e.getMessage());
        Files.write(file, java.util.Arrays.copyOf(whole, 30));
        e = assertThrows(DatasetFormatException.class, () -> PackedDataset.open(file));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("header"), e.getMessage());
    }

    @Test
    void aDamagedHeaderOrSampleIsAnErrorNamingTheFileAndSample() throws IOException {
        Path file = smallPack();
        byte[] whole = Files.readAllBytes(file);
        byte[] header = whole.clone();
        header[PackedDataset.HEADER_BYTES + 1] ^= 1; // inside the first class name
        Files.write(file, header);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> PackedDataset.open(file));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());

        byte[] pixels = whole.clone();
        int sampleBytes = OnePassTransformTest.SHAPE.size();
        pixels[pixels.length - sampleBytes * 2 + 17] ^= 0x40; // sample 4 of 6
        Files.write(file, pixels);
        PackedDataset pack = PackedDataset.open(file);
        DatasetReadException bad = assertThrows(DatasetReadException.class, pack::verify);
        assertTrue(bad.getMessage().equals(file + ": sample 4 fails its checksum: the file is corrupted; pack it again"),
                bad.getMessage());
        try (DataLoader loader = DataLoader.builder(pack).batchSize(2).shuffle(false).workers(2).build()) {
            loader.next();
            loader.next();
            DataLoaderException stop = assertThrows(DataLoaderException.class, loader::next);
            assertTrue(stop.getMessage().contains("sample 4 fails its checksum"), stop.getMessage());
        }

        Files.write(file, new byte[100]);
        e = assertThrows(DatasetFormatException.class, () -> PackedDataset.open(file));
        assertTrue(e.getMessage().contains("not a Cortado pack"), e.getMessage());
    }

    @Test
    void anUncommittedPackLeavesNothingAndKeepsAnOlderPack() throws IOException {
        Path file = smallPack();
        byte[] before = Files.readAllBytes(file);
        SampleShape shape = new SampleShape(1, 2, 2);
        try (PackedDatasetWriter w = new PackedDatasetWriter(file, shape, List.of("a", "b"), Normalize.MNIST,
                new int[] {0, 1})) {
            w.write(new byte[4], 0);
            // closed before the second sample and the commit: an interrupted pack
        }
        assertArrayEquals(before, Files.readAllBytes(file), "the old pack is untouched");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(1, left.count(), "no temporary file is left");
        }
        assertFalse(Files.exists(dir.resolve("other.cpack")));
    }

    @Test
    void aDirectoryOfPacksHasTrainAndTestSplits() throws IOException {
        ByteImageDataset data = OnePassTransformTest.noise(6, OnePassTransformTest.SHAPE, 1);
        PackedDatasetWriter.pack(data, dir.resolve("train.cpack"), 1, OnePassTransformTest.NORMALIZE, n -> { });
        PackedDatasetWriter.pack(new SubsetDataset(data, new int[] {1, 2}, "two"), dir.resolve("test.cpack"), 1,
                OnePassTransformTest.NORMALIZE, n -> { });
        assertEquals(DatasetFormat.PACKED, DatasetFormat.detect(dir));
        DatasetSplits splits = DatasetFormat.openDetected(dir, null);
        assertEquals(6, splits.train().size());
        assertEquals(2, splits.test().orElseThrow().size());
    }
}
