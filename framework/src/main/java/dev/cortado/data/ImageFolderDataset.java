package dev.cortado.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Images in one subfolder per class ({@code root/cat/001.png}, {@code root/dog/a.jpg}, ...): class
 * indices follow the sorted subfolder names, and each image is decoded through ImageIO when read,
 * converted to the requested channels (1 = luma, 3 = RGB) and resized bilinearly to the requested
 * height and width. Decoding per read keeps memory flat for folders of any size; the loader's
 * background thread hides the cost.
 */
public final class ImageFolderDataset implements Dataset {
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");
    /**
     * The most pixels an image may declare: 2²⁵ (about 5800×5800), 128 MiB as the decoder's ARGB
     * raster. A header is read before any pixel, so a file claiming a gigapixel fails here instead of
     * exhausting the heap: a few kilobytes of PNG can honestly hold any size.
     */
    static final long MAX_PIXELS = 1L << 25;

    private final Path root;
    private final SampleShape shape;
    private final List<String> classNames;
    private final List<Path> files;
    private final int[] labels;

    private ImageFolderDataset(Path root, SampleShape shape, List<String> classNames, List<Path> files, int[] labels) {
        this.root = root;
        this.shape = shape;
        this.classNames = classNames;
        this.files = files;
        this.labels = labels;
    }

    /**
     * Indexes {@code root}, taking the classes from its sorted subfolder names. One subfolder is not a
     * classification problem (every prediction would be right), so it is refused.
     */
    public static ImageFolderDataset open(Path root, SampleShape shape) throws IOException {
        List<String> classes = classFolders(root);
        if (classes.size() < 2) {
            throw new DatasetFormatException(root, "has a single class subfolder, '" + classes.get(0) + "'; a "
                    + "classifier needs at least two classes: put each class's images in its own subfolder");
        }
        return open(root, shape, classes);
    }

    /**
     * Indexes {@code root} with the given class list, so that a test folder gets the same indices as
     * its training folder; a subfolder not in the list is an error, and so is an empty class folder.
     * A class of the list may have no folder (a test set without that class).
     */
    public static ImageFolderDataset open(Path root, SampleShape shape, List<String> classNames) throws IOException {
        if (shape.channels() != 1 && shape.channels() != 3) {
            throw new IllegalArgumentException("image folder " + root + ": channels must be 1 (grayscale) or 3 (RGB), got "
                    + shape.channels());
        }
        for (String folder : classFolders(root)) {
            if (!classNames.contains(folder)) {
                throw new DatasetFormatException(root.resolve(folder), "class folder not among the training classes "
                        + classNames + "; the test and training folders must have the same class subfolders");
            }
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classNames.size(); c++) {
            Path folder = root.resolve(classNames.get(c));
            if (!Files.isDirectory(folder)) {
                continue;
            }
            List<Path> images = imagesIn(folder);
            if (images.isEmpty()) {
                throw new DatasetFormatException(folder, "class folder holds no images (" + extensions() + "); add "
                        + "its images or remove the folder");
            }
            for (Path image : images) {
                files.add(image);
                labels.add(c);
            }
        }
        if (files.isEmpty()) {
            throw new DatasetFormatException(root, "no images (" + extensions() + ") in its class subfolders");
        }
        return new ImageFolderDataset(root, shape, List.copyOf(classNames), List.copyOf(files),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** True when {@code dir} has a subfolder holding at least one image file. */
    public static boolean looksLikeImageFolder(Path dir) {
        try {
            for (String folder : classFolders(dir)) {
                if (!imagesIn(dir.resolve(folder)).isEmpty()) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Opens {@code dir} as training and test folders when it has a {@code train/} subfolder that is an
     * image folder (with {@code test/} or {@code val/} beside it as the test split, if present),
     * otherwise as a training set alone.
     */
    public static DatasetSplits openDirectory(Path dir, SampleShape shape) throws IOException {
        Path train = dir.resolve("train");
        Path test = testFolder(dir);
        if (looksLikeImageFolder(train)) {
            ImageFolderDataset trainSet = open(train, shape);
            return DatasetSplits.of(trainSet, looksLikeImageFolder(test) ? open(test, shape, trainSet.classNames())
                    : null);
        }
        if (looksLikeImageFolder(test)) {
            throw new DatasetFormatException(dir, "has a " + test.getFileName() + "/ split but no train/ split; "
                    + "training needs train/ beside it, or a folder with one subfolder of images per class");
        }
        return DatasetSplits.of(open(dir, shape), null);
    }

    /**
     * The images to evaluate a model with these classes on: the {@code test/} (or {@code val/}) split
     * when {@code dir} has one, otherwise every image of {@code dir} as a plain folder of class
     * subfolders. Folders map onto {@code classNames} by name, and a class may lack a folder; with
     * {@code classNames} null the classes are the sorted folder names.
     */
    public static ImageFolderDataset openForEvaluation(Path dir, SampleShape shape, List<String> classNames)
            throws IOException {
        Path test = testFolder(dir);
        Path root = dir;
        if (looksLikeImageFolder(test)) {
            root = test;
        } else if (looksLikeImageFolder(dir.resolve("train")) && (classNames == null || !classNames.contains("train"))) {
            throw new DatasetFormatException(dir, "has a train/ split but no test/ (or val/) split to evaluate on; "
                    + "pass the folder to evaluate on, e.g. --data " + dir.resolve("train"));
        }
        return open(root, shape, classNames != null ? classNames : classFolders(root));
    }

    /** {@code dir/test}, or {@code dir/val} when there is no {@code test/}. */
    private static Path testFolder(Path dir) {
        return Files.isDirectory(dir.resolve("test")) ? dir.resolve("test") : dir.resolve("val");
    }

    private static String extensions() {
        return String.join(", ", EXTENSIONS.stream().sorted().toList());
    }

    private static List<String> classFolders(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new DatasetFormatException(root, "not a directory; an image folder dataset is a directory with one "
                    + "subfolder of images per class");
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith("."))
                    .forEach(names::add);
        }
        if (names.isEmpty()) {
            throw new DatasetFormatException(root, "has no class subfolders; an image folder dataset is a directory "
                    + "with one subfolder of images per class");
        }
        Collections.sort(names);
        return names;
    }

    private static List<Path> imagesIn(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(Files::isRegularFile).filter(ImageFolderDataset::isImageFile).sorted().toList();
        }
    }

    /** True when the file's extension is one an image folder reads (png, jpg, jpeg, bmp, gif). */
    public static boolean isImageFile(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public SampleShape sampleShape() {
        return shape;
    }

    @Override
    public int numClasses() {
        return classNames.size();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    /** The image file of sample {@code index}. */
    public Path file(int index) {
        return files.get(index);
    }

    /** Every image file, in sample order. */
    public List<Path> files() {
        return files;
    }

    /** The folder whose class subfolders hold the images. */
    public Path root() {
        return root;
    }

    @Override
    public int read(int index, float[] dst, int offset) {
        Path file = files.get(index);
        BufferedImage image = decode(file);
        SampleShape nativeShape = new SampleShape(shape.channels(), image.getHeight(), image.getWidth());
        float[] pixels = toChannels(image, shape.channels());
        Bilinear.resize(pixels, 0, nativeShape, 0, 0, nativeShape.height(), nativeShape.width(), dst, offset, shape.height(),
                shape.width());
        return labels[index];
    }

    /**
     * Decodes the first image of {@code file}, checking its declared size before any pixel is read.
     * Every failure is a {@link DatasetReadException} naming the file: ImageIO's decoders report
     * malformed data with unchecked exceptions of many kinds as well as IOException.
     */
    static BufferedImage decode(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new DatasetReadException(file + ": no ImageIO reader recognises this file; convert it to PNG or"
                        + " JPEG", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width < 1 || height < 1 || width * height > MAX_PIXELS) {
                    throw new DatasetReadException(file + ": declares a " + width + "×" + height + " image; images"
                            + " must have between 1 and " + MAX_PIXELS + " pixels", null);
                }
                BufferedImage image = reader.read(0);
                if (image.getWidth() != width || image.getHeight() != height) {
                    throw new DatasetReadException(file + ": decodes to " + image.getWidth() + "×" + image.getHeight()
                            + " but declares " + width + "×" + height, null);
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DatasetReadException d) {
                throw d;
            }
            throw new DatasetReadException(file + ": cannot be decoded ("
                    + (e instanceof IOException ? e.getMessage() : e.toString()) + ")", e);
        }
    }

    /**
     * The image as CHW floats in [0, 1]. Gray images are read from the raster directly: going through
     * getRGB would apply Java's linear-gray to sRGB conversion and brighten them.
     */
    private static float[] toChannels(BufferedImage image, int channels) {
        int h = image.getHeight();
        int w = image.getWidth();
        int plane = h * w;
        float[] out = new float[channels * plane];
        Raster raster = image.getRaster();
        boolean gray = image.getColorModel().getColorSpace().getNumComponents() == 1
                && image.getColorModel().getComponentSize(0) <= 16;
        if (gray) {
            float max = (1 << image.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) / max;
                    for (int c = 0; c < channels; c++) {
                        out[c * plane + y * w + x] = v;
                    }
                }
            }
            return out;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                float r = ((rgb >> 16) & 0xFF) / 255f;
                float g = ((rgb >> 8) & 0xFF) / 255f;
                float b = (rgb & 0xFF) / 255f;
                if (channels == 1) {
                    // ITU-R BT.601 luma, the weights PIL's convert("L") uses.
                    out[y * w + x] = 0.299f * r + 0.587f * g + 0.114f * b;
                } else {
                    out[y * w + x] = r;
                    out[plane + y * w + x] = g;
                    out[2 * plane + y * w + x] = b;
                }
            }
        }
        return out;
    }

    @Override
    public String description() {
        return "image folder " + root;
    }

    @Override
    public String toString() {
        return description() + " (" + size() + " images as " + shape + ", " + numClasses() + " classes)";
    }
}
