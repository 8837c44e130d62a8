package dev.cortado.cli;

import dev.cortado.data.Dataset;
import dev.cortado.data.DatasetFormat;
import dev.cortado.data.DatasetSplits;
import dev.cortado.data.IdxDataset;
import dev.cortado.data.Normalize;
import dev.cortado.data.SampleShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A dataset directory as the commands open it: its format (detected or forced) and its normalization. */
final class DataDirectory {
    /** Where Debian's dataset-fashion-mnist package puts Fashion-MNIST; CORTADO_DATA overrides it. */
    static final Path DEFAULT_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /** Grey image folders have no published statistics: map [0, 1] to [-1, 1]. */
    static final Normalize HALF = new Normalize(new float[] {0.5f}, new float[] {0.5f});

    private DataDirectory() {
    }

    static Path defaultDirectory() {
        String configured = System.getenv("CORTADO_DATA");
        return configured != null && !configured.isBlank() ? Path.of(configured) : DEFAULT_FASHION_MNIST;
    }

    static DatasetFormat format(Path dir, String forced) throws IOException {
        if (!Files.exists(dir)) {
            String hint = dir.equals(DEFAULT_FASHION_MNIST)
                    ? "install it (Debian: apt-get install dataset-fashion-mnist), or download it with 'cortado data "
                    + "download fashion-mnist --dir DIR' and pass --data DIR"
                    : "pass --data with the directory that holds the dataset files";
            throw new UserInputException(dir + ": no such dataset directory; " + hint);
        }
        return forced == null ? DatasetFormat.detect(dir) : DatasetFormat.parse(forced);
    }

    /** Opens {@code dir}; image folders are converted to {@code imageShape}, the other formats have their own. */
    static DatasetSplits open(Path dir, DatasetFormat format, SampleShape imageShape) throws IOException {
        return format.open(dir, imageShape);
    }

    /**
     * The per-channel statistics for this data: the published ones for Fashion-MNIST, MNIST and
     * CIFAR, ImageNet's for colour image folders, and 0.5/0.5 for grey image folders.
     */
    static Normalize normalizeFor(DatasetFormat format, Dataset train) {
        return switch (format) {
            case IDX -> train.classNames().equals(IdxDataset.FASHION_MNIST_CLASSES) ? Normalize.FASHION_MNIST
                    : Normalize.MNIST;
            case CIFAR10 -> Normalize.CIFAR10;
            case CIFAR100 -> Normalize.CIFAR100;
            case IMAGE_FOLDER -> train.sampleShape().channels() == 3 ? Normalize.IMAGENET : HALF;
        };
    }
}
