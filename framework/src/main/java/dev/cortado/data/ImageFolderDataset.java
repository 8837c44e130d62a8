package dev.cortado.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import java.util.Iterator;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Images in one subfolder per class ({@code root/cat/001.png}, {@code root/dog/a.jpg}, ...): class
 * indices follow the sorted subfolder names, and each image is decoded through ImageIO when read,
 * converted to the requested channels (1 = luma, 3 = RGB) and resized bilinearly to the requested
 * height and width. Decoding per read keeps memory flat for folders of any size; the loader's
 * workers hide the cost. The loader reads the decoded raster's bytes in place ({@link #readPixels})
 * and crops, resizes, flips and normalizes them in one pass; {@link #read} gives the same values.
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
        ByteImage bytes = new ByteImage();
        if (viewBytes(image, bytes) && (bytes.bands() == shape.channels() || bytes.bands() == 1)) {
            OnePassTransform.resize(bytes, shape, dst, offset);
            return labels[index];
        }
        SampleShape nativeShape = new SampleShape(shape.channels(), image.getHeight(), image.getWidth());
        float[] pixels = toChannels(image, shape.channels());
        Bilinear.resize(pixels, 0, nativeShape, 0, 0, nativeShape.height(), nativeShape.width(), dst, offset, shape.height(),
                shape.width());
        return labels[index];
    }

    @Override
    public boolean hasBytePixels() {
        return true;
    }

    /**
     * The decoded file's own raster when it holds 8-bit sRGB or grey samples (what JPEG and most PNG
     * files decode to); otherwise (a palette, 16-bit samples, another colour space) its pixels
     * converted into the image's own buffer as {@link #read} converts them, rounded to 8 bits. An RGB
     * file read as one channel becomes BT.601 luma, rounded to 8 bits.
     */
    @Override
    public int readPixels(int index, ByteImage image) {
        Path file = files.get(index);
        BufferedImage decoded = decode(file);
        if (!viewBytes(decoded, image)) {
            convert(decoded, image);
        }
        if (shape.channels() == 1 && image.bands() == 3) {
            toLuma(image);
        }
        return labels[index];
    }

    private static BufferedImage decode(Path file) {
        BufferedImage image;
        try {
            image = DECODERS.get().decode(file);
        } catch (IIOException e) {
            if (String.valueOf(e.getMessage()).contains("Unsupported Image Type")) {
                // What Java's JPEG reader said of CMYK and YCCK JPEGs before JDK 17 learnt to read them.
                throw new DatasetReadException(file + ": a CMYK or YCCK JPEG, which this Java's JPEG decoder cannot "
                        + "read; convert it to RGB (e.g. ImageMagick: mogrify -colorspace sRGB " + file + ") or remove it",
                        e);
            }
            throw new DatasetReadException(file + ": cannot be decoded (" + e.getMessage() + ")", e);
        } catch (DatasetReadException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DatasetReadException(file + ": cannot be decoded (" + e + ")", e);
        }
        if (image == null) {
            throw new DatasetReadException(file + ": no ImageIO reader recognises this file; convert it to PNG or JPEG",
                    null);
        }
        return image;
    }

    private static final ThreadLocal<Decoder> DECODERS = ThreadLocal.withInitial(Decoder::new);

    /**
     * One thread's decoding state, which ImageIO.read would rebuild for every file: the file's bytes in
     * a reused buffer read in one call, and the readers found for each format. (Decoding into the last
     * image's raster would save an allocation, but a decoder that leaves pixels unwritten, as some do
     * for damaged files, would then show the previous image's.)
     */
    private static final class Decoder {
        private final List<ImageReader> readers = new ArrayList<>();
        private byte[] bytes = new byte[1 << 16];

        BufferedImage decode(Path file) throws IOException {
            int length = read(file);
            try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes, 0, length))) {
                ImageReader reader = readerFor(in);
                if (reader == null) {
                    return null;
                }
                reader.setInput(in, true, true);
                try {
                    // The declared size is checked before any pixel is read: a 68-byte header may claim 10^10.
                    long width = reader.getWidth(0);
                    long height = reader.getHeight(0);
                    if (width < 1 || height < 1 || width * height > MAX_PIXELS) {
                        throw new DatasetReadException(file + ": declares a " + width + "×" + height + " image;"
                                + " images must have between 1 and " + MAX_PIXELS + " pixels", null);
                    }
                    return reader.read(0);
                } finally {
                    reader.setInput(null);
                }
            }
        }

        private int read(Path file) throws IOException {
            try (SeekableByteChannel channel = Files.newByteChannel(file)) {
                long size = channel.size();
                if (size > Integer.MAX_VALUE - 8) {
                    throw new IOException("larger than 2 GiB");
                }
                if (bytes.length < size) {
                    bytes = new byte[(int) size];
                }
                ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, (int) size);
                while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                    // read to the end
                }
                return buffer.position();
            }
        }

        private ImageReader readerFor(ImageInputStream in) throws IOException {
            for (ImageReader r : readers) {
                if (r.getOriginatingProvider().canDecodeInput(in)) {
                    return r;
                }
            }
            Iterator<ImageReader> found = ImageIO.getImageReaders(in);
            if (!found.hasNext()) {
                return null;
            }
            ImageReader r = found.next();
            readers.add(r);
            return r;
        }
    }

    /**
     * Points {@code into} at {@code image}'s raster in place when its samples are 8-bit sRGB colour or
     * 8-bit grey in one byte array (alpha, if any, is skipped); false otherwise.
     */
    static boolean viewBytes(BufferedImage image, ByteImage into) {
        Raster raster = image.getRaster();
        ColorModel model = image.getColorModel();
        if (!(raster.getDataBuffer() instanceof DataBufferByte buffer) || buffer.getNumBanks() != 1
                || !(raster.getSampleModel() instanceof ComponentSampleModel layout)
                || !(model instanceof ComponentColorModel) || model.isAlphaPremultiplied()) {
            return false;
        }
        ColorSpace space = model.getColorSpace();
        int colours = space.getNumComponents();
        boolean grey = colours == 1 && space.getType() == ColorSpace.TYPE_GRAY;
        if (!grey && !(colours == 3 && space.isCS_sRGB())) {
            return false;
        }
        for (int c = 0; c < colours; c++) {
            if (model.getComponentSize(c) != 8) {
                return false;
            }
        }
        int[] offsets = new int[colours];
        int[] bandOffsets = layout.getBandOffsets();
        int[] banks = layout.getBankIndices();
        for (int c = 0; c < colours; c++) {
            if (banks[c] != 0) {
                return false;
            }
            offsets[c] = bandOffsets[c];
        }
        int pixelStride = layout.getPixelStride();
        int rowStride = layout.getScanlineStride();
        // A raster's (0, 0) sits at (-translateX, -translateY) of its sample model.
        int origin = buffer.getOffset() - raster.getSampleModelTranslateY() * rowStride
                - raster.getSampleModelTranslateX() * pixelStride;
        into.set(buffer.getData(), origin, image.getWidth(), image.getHeight(), pixelStride, rowStride, offsets);
        return true;
    }

    /** The pixels of an image {@link #viewBytes} cannot view, in {@code into}'s own buffer, as read() sees them. */
    private static void convert(BufferedImage image, ByteImage into) {
        int h = image.getHeight();
        int w = image.getWidth();
        ColorModel model = image.getColorModel();
        if (model.getColorSpace().getNumComponents() == 1 && model.getComponentSize(0) <= 16) {
            // As toChannels: grey samples scaled from their own range, not through the sRGB conversion.
            double max = (1 << model.getComponentSize(0)) - 1;
            byte[] out = into.buffer(h * w);
            Raster raster = image.getRaster();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = (byte) Math.round(raster.getSample(x, y, 0) * 255 / max);
                }
            }
            into.set(out, 0, w, h, 1, w, 0);
            return;
        }
        byte[] out = into.buffer(3 * h * w);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int i = 3 * (y * w + x);
                out[i] = (byte) (row[x] >> 16);
                out[i + 1] = (byte) (row[x] >> 8);
                out[i + 2] = (byte) row[x];
            }
        }
        into.set(out, 0, w, h, 3, 3 * w, 0, 1, 2);
    }

    /** Replaces a three-band image by its BT.601 luma (toChannels' weights), rounded to 8 bits. */
    private static void toLuma(ByteImage image) {
        int h = image.height();
        int w = image.width();
        byte[] luma = new byte[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = 0.299f * image.get(x, y, 0) + 0.587f * image.get(x, y, 1) + 0.114f * image.get(x, y, 2);
                luma[y * w + x] = (byte) Math.round(v);
            }
        }
        image.set(luma, 0, w, h, 1, w, 0);
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
