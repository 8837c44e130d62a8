package dev.cortado.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary versions of CIFAR-10 and CIFAR-100 (Krizhevsky 2009, "Learning Multiple Layers of
 * Features from Tiny Images"). Each record is the label byte(s) followed by 3072 pixel bytes: the
 * 1024 red values of the 32×32 image row by row, then green, then blue — already CHW. CIFAR-100
 * records carry a coarse (superclass) and a fine label; the fine one, 100 classes, is used.
 */
public final class CifarDataset {
    public static final SampleShape SHAPE = new SampleShape(3, 32, 32);
    private static final int PIXELS = 3 * 32 * 32;

    public static final List<String> CIFAR10_TRAIN_FILES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String CIFAR10_TEST_FILE = "test_batch.bin";
    public static final String CIFAR100_TRAIN_FILE = "train.bin";
    public static final String CIFAR100_TEST_FILE = "test.bin";

    /** The folders the official archives unpack to; the files may also sit directly in the directory. */
    private static final String CIFAR10_SUBDIR = "cifar-10-batches-bin";
    private static final String CIFAR100_SUBDIR = "cifar-100-binary";

    /** CIFAR-10's classes in label order, as in its batches.meta.txt. */
    public static final List<String> CIFAR10_CLASSES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private CifarDataset() {
    }

    /** The directory holding CIFAR-10's batch files: {@code dir} itself or its archive folder; null if neither. */
    public static Path cifar10Root(Path dir) {
        return rootHolding(dir, CIFAR10_SUBDIR, CIFAR10_TRAIN_FILES.get(0));
    }

    /** The directory holding CIFAR-100's train.bin: {@code dir} itself or its archive folder; null if neither. */
    public static Path cifar100Root(Path dir) {
        return rootHolding(dir, CIFAR100_SUBDIR, CIFAR100_TRAIN_FILE);
    }

    public static DatasetSplits openCifar10(Path dir) throws IOException {
        Path root = cifar10Root(dir);
        if (root == null) {
            throw new DatasetFormatException(dir, "no CIFAR-10 binary files; expected " + CIFAR10_TRAIN_FILES
                    + " and " + CIFAR10_TEST_FILE + " here or in " + CIFAR10_SUBDIR + "/");
        }
        List<Path> trainFiles = new ArrayList<>();
        for (String name : CIFAR10_TRAIN_FILES) {
            trainFiles.add(require(root, name, "CIFAR-10"));
        }
        Path testFile = require(root, CIFAR10_TEST_FILE, "CIFAR-10");
        List<String> names = readNames(root.resolve("batches.meta.txt"), 10);
        if (names == null) {
            names = CIFAR10_CLASSES;
        }
        return DatasetSplits.of(
                read(trainFiles, 1, 10, "CIFAR-10 train", names),
                read(List.of(testFile), 1, 10, "CIFAR-10 test", names));
    }

    public static DatasetSplits openCifar100(Path dir) throws IOException {
        Path root = cifar100Root(dir);
        if (root == null) {
            throw new DatasetFormatException(dir, "no CIFAR-100 binary files; expected " + CIFAR100_TRAIN_FILE
                    + " and " + CIFAR100_TEST_FILE + " here or in " + CIFAR100_SUBDIR + "/");
        }
        Path train = require(root, CIFAR100_TRAIN_FILE, "CIFAR-100");
        Path test = require(root, CIFAR100_TEST_FILE, "CIFAR-100");
        List<String> names = readNames(root.resolve("fine_label_names.txt"), 100);
        return DatasetSplits.of(
                read(List.of(train), 2, 100, "CIFAR-100 train", names),
                read(List.of(test), 2, 100, "CIFAR-100 test", names));
    }

    /**
     * Reads records of {@code labelBytes} label bytes plus 3072 pixels from each file; the last label
     * byte is the class (CIFAR-100's fine label follows its coarse label).
     */
    public static ByteImageDataset read(List<Path> files, int labelBytes, int numClasses, String description,
            List<String> classNames) throws IOException {
        int recordSize = labelBytes + PIXELS;
        List<byte[]> contents = new ArrayList<>();
        long records = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length == 0 || bytes.length % recordSize != 0) {
                throw new DatasetFormatException(file, bytes.length + " bytes is not a whole number of "
                        + recordSize + "-byte records (" + labelBytes + " label byte" + (labelBytes == 1 ? "" : "s")
                        + " + 3072 pixels); the file is truncated or from the other CIFAR variant — download it again"
                        + " or choose the matching format");
            }
            records += bytes.length / recordSize;
            contents.add(bytes);
        }
        if (records * PIXELS > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(description + ": " + records + " records do not fit one array");
        }
        int n = (int) records;
        byte[] pixels = new byte[n * PIXELS];
        byte[] labels = new byte[n];
        int sample = 0;
        for (int f = 0; f < contents.size(); f++) {
            byte[] bytes = contents.get(f);
            for (int r = 0; r < bytes.length / recordSize; r++, sample++) {
                int at = r * recordSize;
                int label = bytes[at + labelBytes - 1] & 0xFF;
                if (label >= numClasses) {
                    throw new DatasetFormatException(files.get(f), "record " + r + " has label " + label
                            + ", but the format has " + numClasses + " classes; the file is corrupted or from the "
                            + "other CIFAR variant");
                }
                labels[sample] = (byte) label;
                System.arraycopy(bytes, at + labelBytes, pixels, sample * PIXELS, PIXELS);
            }
        }
        return new ByteImageDataset(description, SHAPE, pixels, labels, numClasses, classNames);
    }

    private static Path rootHolding(Path dir, String subdir, String marker) {
        if (Files.isRegularFile(dir.resolve(marker))) {
            return dir;
        }
        Path nested = dir.resolve(subdir);
        return Files.isRegularFile(nested.resolve(marker)) ? nested : null;
    }

    private static Path require(Path root, String name, String format) throws DatasetFormatException {
        Path p = root.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new DatasetFormatException(p, "missing; a " + format + " binary directory holds "
                    + ("CIFAR-10".equals(format) ? CIFAR10_TRAIN_FILES + " and " + CIFAR10_TEST_FILE
                            : CIFAR100_TRAIN_FILE + " and " + CIFAR100_TEST_FILE));
        }
        return p;
    }

    /** Class names from a one-name-per-line file shipped with the archive, or null if absent or odd. */
    private static List<String> readNames(Path file, int expected) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        return names.size() == expected ? names : null;
    }
}
