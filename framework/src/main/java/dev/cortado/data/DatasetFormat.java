package dev.cortado.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The on-disk dataset layouts Cortado reads; {@link #detect} picks one from a directory's contents. */
public enum DatasetFormat {
    /** MNIST-style IDX files: train-images-idx3-ubyte[.gz] and its three companions. */
    IDX,
    /** CIFAR-10 binary version: data_batch_1..5.bin and test_batch.bin. */
    CIFAR10,
    /** CIFAR-100 binary version: train.bin and test.bin, fine labels. */
    CIFAR100,
    /** One subfolder of PNG/JPEG images per class, optionally under train/ and test/ (or val/). */
    IMAGE_FOLDER,
    /** A {@link PackedDataset} file (.cpack), or a directory holding train.cpack and test.cpack (or val.cpack). */
    PACKED;

    /**
     * The format of {@code dir}, checked in the order pack file, IDX, CIFAR-10, CIFAR-100, image
     * folder, directory of packs.
     *
     * @throws DatasetFormatException when the directory is missing or matches none of them
     */
    public static DatasetFormat detect(Path dir) throws DatasetFormatException {
        if (PackedDataset.isPackFile(dir)) {
            return PACKED;
        }
        if (!Files.isDirectory(dir)) {
            throw new DatasetFormatException(dir, "no such directory; pass the directory that holds the dataset files");
        }
        if (IdxDataset.looksLikeIdx(dir)) {
            return IDX;
        }
        if (CifarDataset.cifar10Root(dir) != null) {
            return CIFAR10;
        }
        if (CifarDataset.cifar100Root(dir) != null) {
            return CIFAR100;
        }
        if (ImageFolderDataset.looksLikeImageFolder(dir)
                || ImageFolderDataset.looksLikeImageFolder(dir.resolve("train"))
                || ImageFolderDataset.looksLikeImageFolder(dir.resolve("test"))
                || ImageFolderDataset.looksLikeImageFolder(dir.resolve("val"))) {
            return IMAGE_FOLDER;
        }
        if (PackedDataset.looksLikePackDirectory(dir)) {
            return PACKED;
        }
        throw new DatasetFormatException(dir, "no known dataset layout found: expected IDX files ("
                + IdxDataset.TRAIN_IMAGES + "[.gz], ...), CIFAR-10 binaries (data_batch_1.bin, ...), CIFAR-100 "
                + "binaries (train.bin, test.bin), one subfolder of images per class or train.cpack; check the path or name the "
                + "format explicitly");
    }

    /** The format named {@code name}, case-insensitive, '-' accepted for '_' (e.g. "image-folder"). */
    public static DatasetFormat parse(String name) {
        String key = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (DatasetFormat f : values()) {
            if (f.name().equals(key) || f.name().replace("_", "").equals(key)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown dataset format '" + name + "'; known: idx, cifar10, cifar100, "
                + "image-folder, packed");
    }

    /**
     * Opens {@code dir} in this format.
     *
     * @param imageShape the C×H×W images of an image folder are converted to; ignored by the fixed-size
     *                   formats (may be null for them)
     */
    public DatasetSplits open(Path dir, SampleShape imageShape) throws IOException {
        return switch (this) {
            case IDX -> IdxDataset.openDirectory(dir);
            case CIFAR10 -> CifarDataset.openCifar10(dir);
            case CIFAR100 -> CifarDataset.openCifar100(dir);
            case IMAGE_FOLDER -> {
                if (imageShape == null) {
                    throw new IllegalArgumentException("an image folder dataset needs an image shape (channels, "
                            + "height, width) to convert its images to");
                }
                yield ImageFolderDataset.openDirectory(dir, imageShape);
            }
            case PACKED -> PackedDataset.openSplits(dir);
        };
    }

    /** Detects the format of {@code dir} and opens it. */
    public static DatasetSplits openDetected(Path dir, SampleShape imageShape) throws IOException {
        return detect(dir).open(dir, imageShape);
    }
}
