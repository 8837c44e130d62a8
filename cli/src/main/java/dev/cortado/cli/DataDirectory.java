package dev.cortado.cli;

import dev.cortado.data.Dataset;
import dev.cortado.data.DatasetFormat;
import dev.cortado.data.DatasetFormatException;
import dev.cortado.data.DatasetSplits;
import dev.cortado.data.IdxDataset;
import dev.cortado.data.ImageFileCheck;
import dev.cortado.data.ImageFolderDataset;
import dev.cortado.data.Normalize;
import dev.cortado.data.PackedDataset;
import dev.cortado.data.SampleShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** A dataset directory as the commands open it: its format (detected or forced) and its normalization. */
final class DataDirectory {
    private static final Logger LOG = LogManager.getLogger(DataDirectory.class);

    /** Grey image folders have no published statistics: map [0, 1] to [-1, 1]. */
    static final Normalize HALF = new Normalize(new float[] {0.5f}, new float[] {0.5f});

    private DataDirectory() {
    }

    static DatasetFormat format(Path dir, String forced) throws IOException {
        if (!Files.exists(dir)) {
            // A missing default or dataset name never gets here: DatasetLocator finds or fetches it.
            throw new UserInputException(dir + ": no such dataset directory; pass --data with the directory that holds"
                    + " the dataset files, or with a dataset's name (fashion-mnist, mnist, cifar10) to have it found"
                    + " or downloaded");
        }
        return forced == null ? DatasetFormat.detect(dir) : DatasetFormat.parse(forced);
    }

    /**
     * Opens {@code dir}; image folders are converted to {@code imageShape}, the other formats have their
     * own. An image folder's files have their headers checked now (see {@link ImageFileCheck}), so that
     * a file that is no image fails here rather than when its batch comes up.
     */
    static DatasetSplits open(Path dir, DatasetFormat format, SampleShape imageShape) throws IOException {
        DatasetSplits splits = format.open(dir, imageShape);
        requireReadableImages(splits.train());
        if (splits.test().isPresent()) {
            requireReadableImages(splits.test().get());
        }
        return splits;
    }

    /**
     * The image folder to evaluate a model of these classes on (see
     * {@link ImageFolderDataset#openForEvaluation}), its headers checked.
     */
    static ImageFolderDataset openForEvaluation(Path dir, SampleShape imageShape, List<String> classNames)
            throws IOException {
        ImageFolderDataset data = ImageFolderDataset.openForEvaluation(dir, imageShape, classNames);
        requireReadableImages(data);
        return data;
    }

    static void requireReadableImages(Dataset data) throws IOException {
        if (!(data instanceof ImageFolderDataset folder)) {
            return;
        }
        long start = System.nanoTime();
        List<ImageFileCheck.Problem> problems = ImageFileCheck.check(folder.files(), false);
        LOG.debug("{}: checked {} image headers in {} ms", folder.root(), folder.size(),
                (System.nanoTime() - start) / 1_000_000);
        if (!problems.isEmpty()) {
            throw new DatasetFormatException(folder.root(), String.format(Locale.ROOT, "%,d of its %,d images cannot "
                    + "be read (%s%s); run 'cortado data check %s' to list them all, then replace or remove them",
                    problems.size(), folder.size(), problems.size() == 1 ? "" : "the first: ", problems.get(0),
                    folder.root()));
        }
    }

    /**
     * The per-channel statistics for this data: the published ones for Fashion-MNIST, MNIST and
     * CIFAR, ImageNet's for colour image folders and 0.5/0.5 for grey ones, and for a pack the ones of
     * the data it was packed from.
     */
    static Normalize normalizeFor(DatasetFormat format, Dataset train) {
        return switch (format) {
            case IDX -> train.classNames().equals(IdxDataset.FASHION_MNIST_CLASSES) ? Normalize.FASHION_MNIST
                    : Normalize.MNIST;
            case CIFAR10 -> Normalize.CIFAR10;
            case CIFAR100 -> Normalize.CIFAR100;
            case IMAGE_FOLDER -> train.sampleShape().channels() == 3 ? Normalize.IMAGENET : HALF;
            case PACKED -> ((PackedDataset) train).normalize();
        };
    }
}
