package dev.cortado.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A packed dataset ({@code .cpack}): images decoded and resized once into 8-bit CHW samples of one
 * size, with their labels and class names, in one file that is memory-mapped when read, so that an
 * epoch costs neither decoding nor resizing. It also records the normalization its source is trained
 * with (CIFAR's statistics for a pack of CIFAR). Written by {@link PackedDatasetWriter} (atomically).
 *
 * <p>Layout, little-endian:
 * <pre>
 *   0  magic "CORTPACK"          8  u32 version (1)        12 u32 channels
 *  16  u32 height                20 u32 width              24 u64 samples
 *  32  u32 classes               36 u32 bytes of names     40 u64 offset of the pixels (a multiple of 4096)
 *  48  12 bytes reserved, zero   60 u32 CRC-32C of bytes [0, 60) and [64, pixel offset)
 *  64  class names: per class a u16 byte length and its UTF-8 bytes
 *      normalization: per channel the f32 mean and f32 standard deviation to train with (the source's)
 *      labels: a u16 per sample
 *      sample checksums: the CRC-32C of each sample's pixels, a u32 per sample
 *      zeros up to the pixel offset
 *      pixels: samples × channels × height × width bytes, each sample CHW
 * </pre>
 * The header's checksum is checked when the file is opened, and each sample's when it is read, so a
 * truncated or damaged file is an error naming the file (and the sample), never silently wrong data.
 */
public final class PackedDataset implements Dataset {
    static final byte[] MAGIC = "CORTPACK".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER_BYTES = 64;
    static final int ALIGNMENT = 4096;
    /** The file name ending a pack has; a directory of packs holds train.cpack and test.cpack (or val.cpack). */
    public static final String EXTENSION = ".cpack";

    private final Path file;
    private final SampleShape shape;
    private final List<String> classNames;
    private final Normalize normalize;
    private final int[] labels;
    private final int[] checksums;
    private final MappedByteBuffer[] segments;
    private final int samplesPerSegment;

    private PackedDataset(Path file, SampleShape shape, List<String> classNames, Normalize normalize, int[] labels,
                          int[] checksums, MappedByteBuffer[] segments, int samplesPerSegment) {
        this.file = file;
        this.shape = shape;
        this.classNames = classNames;
        this.normalize = normalize;
        this.labels = labels;
        this.checksums = checksums;
        this.segments = segments;
        this.samplesPerSegment = samplesPerSegment;
    }

    /** True for a regular file whose name ends in .cpack. */
    public static boolean isPackFile(Path path) {
        return Files.isRegularFile(path) && path.getFileName().toString().endsWith(EXTENSION);
    }

    /** True for a directory holding train.cpack. */
    public static boolean looksLikePackDirectory(Path dir) {
        return isPackFile(dir.resolve("train" + EXTENSION));
    }

    /**
     * A pack file as a training set alone, or a directory's train.cpack with its test.cpack (or
     * val.cpack) as the test split; the test split's classes must be the training split's.
     */
    public static DatasetSplits openSplits(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return DatasetSplits.of(open(path), null);
        }
        PackedDataset train = open(path.resolve("train" + EXTENSION));
        Path test = path.resolve("test" + EXTENSION);
        if (!Files.exists(test)) {
            test = path.resolve("val" + EXTENSION);
        }
        if (!Files.exists(test)) {
            return DatasetSplits.of(train, null);
        }
        PackedDataset testSet = open(test);
        if (!testSet.classNames.equals(train.classNames) || !testSet.shape.equals(train.shape)) {
            throw new DatasetFormatException(test, "holds " + testSet.shape + " samples of classes " + testSet.classNames
                    + ", but " + train.file + " holds " + train.shape + " samples of " + train.classNames + "; pack both "
                    + "splits at the same size from folders with the same class subfolders");
        }
        return DatasetSplits.of(train, testSet);
    }

    /** Opens and checks a pack file: its size, header, checksum and labels; the pixels are mapped, not read. */
    public static PackedDataset open(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < HEADER_BYTES) {
                throw new DatasetFormatException(file, "truncated: " + size + " bytes, shorter than a pack's "
                        + HEADER_BYTES + "-byte header; pack it again");
            }
            ByteBuffer header = read(channel, 0, HEADER_BYTES);
            byte[] magic = new byte[MAGIC.length];
            header.get(0, magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new DatasetFormatException(file, "not a Cortado pack (it does not start with \"CORTPACK\"); make "
                        + "one with: cortado data pack DIR --size N --out FILE" + EXTENSION);
            }
            int version = header.getInt(8);
            if (version != VERSION) {
                throw new DatasetFormatException(file, "a pack of version " + version + ", but this Cortado reads version "
                        + VERSION + "; pack the images again with this version");
            }
            int channels = header.getInt(12);
            int height = header.getInt(16);
            int width = header.getInt(20);
            long count = header.getLong(24);
            int classes = header.getInt(32);
            int namesBytes = header.getInt(36);
            long dataOffset = header.getLong(40);
            long metaBytes = (long) namesBytes + 8L * channels + 2 * count + 4 * count;
            if (channels < 1 || height < 1 || width < 1 || count < 1 || count > Integer.MAX_VALUE || classes < 1
                    || classes > 65_535 || namesBytes < 0 || dataOffset < HEADER_BYTES + metaBytes) {
                throw new DatasetFormatException(file, "corrupted header (" + channels + "×" + height + "×" + width + ", "
                        + count + " samples, " + classes + " classes, pixels at " + dataOffset + "); pack it again");
            }
            long sampleBytes = (long) channels * height * width;
            long expected = dataOffset + count * sampleBytes;
            if (size != expected) {
                throw new DatasetFormatException(file, (size < expected ? "truncated: " : "has extra bytes: ") + size
                        + " bytes, but its header describes " + expected + " (" + count + " samples of " + channels + "×"
                        + height + "×" + width + "); pack it again");
            }
            ByteBuffer meta = read(channel, HEADER_BYTES, (int) (dataOffset - HEADER_BYTES));
            CRC32C crc = new CRC32C();
            crc.update(header.array(), 0, 60);
            crc.update(meta.array(), 0, meta.capacity());
            if ((int) crc.getValue() != header.getInt(60)) {
                throw new DatasetFormatException(file, "corrupted: the header's checksum does not match; pack it again");
            }
            List<String> names = new ArrayList<>(classes);
            int p = 0;
            for (int c = 0; c < classes; c++) {
                int length = Short.toUnsignedInt(meta.getShort(p));
                byte[] utf8 = new byte[length];
                meta.get(p + 2, utf8);
                names.add(new String(utf8, StandardCharsets.UTF_8));
                p += 2 + length;
            }
            if (p != namesBytes) {
                throw new DatasetFormatException(file, "corrupted: its class names take " + p + " bytes, not the "
                        + namesBytes + " its header says; pack it again");
            }
            float[] mean = new float[channels];
            float[] std = new float[channels];
            for (int c = 0; c < channels; c++) {
                mean[c] = meta.getFloat(namesBytes + 8 * c);
                std[c] = meta.getFloat(namesBytes + 8 * c + 4);
            }
            Normalize normalize;
            try {
                normalize = new Normalize(mean, std);
            } catch (IllegalArgumentException e) {
                throw new DatasetFormatException(file, "corrupted normalization: " + e.getMessage() + "; pack it again");
            }
            int n = (int) count;
            int[] labels = new int[n];
            int labelStart = namesBytes + 8 * channels;
            for (int i = 0; i < n; i++) {
                labels[i] = Short.toUnsignedInt(meta.getShort(labelStart + 2 * i));
                if (labels[i] >= classes) {
                    throw new DatasetFormatException(file, "sample " + i + " has label " + labels[i] + ", outside its "
                            + classes + " classes; pack it again");
                }
            }
            int[] checksums = new int[n];
            int checksumStart = labelStart + 2 * n;
            for (int i = 0; i < n; i++) {
                checksums[i] = meta.getInt(checksumStart + 4 * i);
            }
            SampleShape shape = new SampleShape(channels, height, width);
            // Mappings of at most 2 GiB, each holding whole samples, so that a sample is one bulk get.
            int perSegment = (int) Math.max(1, Math.min(n, (Integer.MAX_VALUE - ALIGNMENT) / sampleBytes));
            MappedByteBuffer[] segments = new MappedByteBuffer[(n + perSegment - 1) / perSegment];
            for (int s = 0; s < segments.length; s++) {
                long first = (long) s * perSegment;
                long samples = Math.min(perSegment, n - first);
                segments[s] = channel.map(FileChannel.MapMode.READ_ONLY, dataOffset + first * sampleBytes,
                        samples * sampleBytes);
            }
            return new PackedDataset(file, shape, List.copyOf(names), normalize, labels, checksums, segments, perSegment);
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, position + b.position()) < 0) {
                break;
            }
        }
        return b;
    }

    @Override
    public int size() {
        return labels.length;
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

    /** The per-channel normalization the pack's source trains with, recorded when it was packed. */
    public Normalize normalize() {
        return normalize;
    }

    /** The pack file. */
    public Path file() {
        return file;
    }

    @Override
    public int read(int index, float[] dst, int offset) {
        byte[] pixels = new byte[shape.size()];
        copy(index, pixels);
        for (int i = 0; i < pixels.length; i++) {
            dst[offset + i] = OnePassTransform.UNIT[pixels[i] & 0xFF];
        }
        return labels[index];
    }

    @Override
    public boolean hasBytePixels() {
        return true;
    }

    /** Copies the sample out of the mapping (a memcpy, cheap beside what follows) and checks its checksum. */
    @Override
    public int readPixels(int index, ByteImage image) {
        byte[] pixels = image.buffer(shape.size());
        copy(index, pixels);
        image.setPlanar(pixels, 0, shape);
        return labels[index];
    }

    private void copy(int index, byte[] pixels) {
        java.util.Objects.checkIndex(index, labels.length);
        int n = shape.size();
        segments[index / samplesPerSegment].get((index % samplesPerSegment) * n, pixels, 0, n);
        CRC32C crc = new CRC32C();
        crc.update(pixels, 0, n);
        if ((int) crc.getValue() != checksums[index]) {
            throw new DatasetReadException(file + ": sample " + index + " fails its checksum: the file is corrupted; "
                    + "pack it again", null);
        }
    }

    /** Checks every sample's checksum (what {@code cortado data check} does); throws at the first bad one. */
    public void verify() {
        byte[] pixels = new byte[shape.size()];
        for (int i = 0; i < labels.length; i++) {
            copy(i, pixels);
        }
    }

    @Override
    public String description() {
        return "pack " + file;
    }

    @Override
    public String toString() {
        return description() + " (" + size() + " samples of " + shape + ", " + numClasses() + " classes)";
    }
}
