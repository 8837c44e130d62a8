package dev.cortado.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * MNIST-style data in IDX files: an images file (N×H×W unsigned bytes) and a labels file (N unsigned
 * bytes), one channel per image. A directory holds the standard four files, raw or gzipped.
 */
public final class IdxDataset {
    private static final Logger LOG = LogManager.getLogger(IdxDataset.class);
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** Fashion-MNIST's classes in label order (Xiao, Rasul and Vollgraf 2017, Table 1). */
    public static final List<String> FASHION_MNIST_CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** MNIST and its relatives all have ten classes; a file with fewer distinct labels still has ten. */
    private static final int MNIST_CLASSES = 10;

    private IdxDataset() {
    }

    /** True when {@code dir} holds at least the training images file under its standard name. */
    public static boolean looksLikeIdx(Path dir) {
        return find(dir, TRAIN_IMAGES) != null;
    }

    /** Loads the training and test splits of the four standard files in {@code dir}. */
    public static DatasetSplits openDirectory(Path dir) throws IOException {
        Path trainImages = require(dir, TRAIN_IMAGES);
        Path trainLabels = require(dir, TRAIN_LABELS);
        Path testImages = require(dir, TEST_IMAGES);
        Path testLabels = require(dir, TEST_LABELS);
        List<String> names = isFashionMnist(dir) ? FASHION_MNIST_CLASSES : null;
        String source = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        return DatasetSplits.of(
                load(trainImages, trainLabels, source + " train", names),
                load(testImages, testLabels, source + " test", names));
    }

    /** Loads one images/labels pair; the classes are named when {@code classNames} is not null. */
    public static ByteImageDataset load(Path images, Path labels, String description, List<String> classNames)
            throws IOException {
        IdxFile imageFile = IdxFile.read(images, IdxFile.IMAGES_MAGIC);
        IdxFile labelFile = IdxFile.read(labels, IdxFile.LABELS_MAGIC);
        int count = imageFile.dims()[0];
        int height = imageFile.dims()[1];
        int width = imageFile.dims()[2];
        if (labelFile.dims()[0] != count) {
            throw new DatasetFormatException(labels, "holds " + labelFile.dims()[0] + " labels but " + images
                    + " holds " + count + " images; the two files must come from the same split and release");
        }
        if (height == 0 || width == 0) {
            throw new DatasetFormatException(images, "declares empty " + height + "×" + width + " images");
        }
        // Also bounds the image size by the file's: a header of no images may claim any size.
        if (count == 0) {
            throw new DatasetFormatException(images, "holds no images (its header declares 0 of " + height + "×" + width
                    + ")");
        }
        byte[] labelBytes = labelFile.data();
        int numClasses = MNIST_CLASSES;
        for (int i = 0; i < count; i++) {
            numClasses = Math.max(numClasses, (labelBytes[i] & 0xFF) + 1);
        }
        if (classNames != null && numClasses > classNames.size()) {
            classNames = null;
        }
        LOG.debug("{}: {} images of {}×{} from {}", description, count, height, width, images);
        return new ByteImageDataset(description, new SampleShape(1, height, width), imageFile.data(), labelBytes,
                numClasses, classNames);
    }

    private static boolean isFashionMnist(Path dir) {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).contains("fashion");
    }

    private static Path require(Path dir, String name) throws DatasetFormatException {
        Path found = find(dir, name);
        if (found == null) {
            throw new DatasetFormatException(dir, "no " + name + " or " + name + ".gz; an IDX dataset directory "
                    + "holds " + TRAIN_IMAGES + ", " + TRAIN_LABELS + ", " + TEST_IMAGES + " and " + TEST_LABELS
                    + " (each raw or .gz)");
        }
        return found;
    }

    /** The raw file if present, else the gzipped one, else null. */
    private static Path find(Path dir, String name) {
        for (String candidate : new String[] {name, name + ".gz"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
