package dev.cortado.data;

import dev.cortado.files.AtomicWrite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.zip.CRC32C;

/**
 * Writes a {@link PackedDataset} file sample by sample, atomically: into a temporary file beside the
 * target, which {@link #commit()} completes (checksums, header, fsync) and renames over the target; a
 * writer closed without a commit removes its temporary file, so an interrupted pack leaves no pack.
 */
public final class PackedDatasetWriter implements AutoCloseable {
    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private final SampleShape shape;
    private final List<String> classNames;
    private final Normalize normalize;
    private final int[] labels;
    private final int[] checksums;
    private final int namesBytes;
    private final long dataOffset;
    private final CRC32C crc = new CRC32C();
    private int written;
    private boolean committed;

    /**
     * Starts {@code target} for {@code labels.length} samples of {@code shape}, labelled in
     * {@code classNames} order, to be normalized with {@code normalize} when trained on.
     */
    public PackedDatasetWriter(Path target, SampleShape shape, List<String> classNames, Normalize normalize,
                               int[] labels) throws IOException {
        this.target = target.toAbsolutePath();
        this.shape = shape;
        this.classNames = List.copyOf(classNames);
        this.normalize = normalize;
        normalize.outputShape(shape);
        this.labels = labels.clone();
        this.checksums = new int[labels.length];
        if (labels.length == 0) {
            throw new IllegalArgumentException("a pack needs at least one sample");
        }
        if (classNames.size() > 65_535) {
            throw new IllegalArgumentException("a pack holds at most 65,535 classes, got " + classNames.size());
        }
        int names = 0;
        for (String name : classNames) {
            int length = name.getBytes(StandardCharsets.UTF_8).length;
            if (length > 65_535) {
                throw new IllegalArgumentException("class name longer than 65,535 bytes: " + name.substring(0, 40) + "…");
            }
            names += 2 + length;
        }
        for (int label : labels) {
            Objects.checkIndex(label, classNames.size());
        }
        this.namesBytes = names;
        long meta = PackedDataset.HEADER_BYTES + namesBytes + 8L * shape.channels() + 6L * labels.length;
        this.dataOffset = (meta + PackedDataset.ALIGNMENT - 1) / PackedDataset.ALIGNMENT * PackedDataset.ALIGNMENT;
        Path dir = this.target.getParent();
        Files.createDirectories(dir);
        // AtomicWrite also removes the temporary file when the JVM stops mid-pack (Ctrl-C).
        this.temporary = AtomicWrite.temporaryFor(this.target);
        this.channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        channel.position(dataOffset);
    }

    /** Appends the next sample: {@code shape.size()} CHW bytes of {@code pixels} from {@code offset}. */
    public void write(byte[] pixels, int offset) throws IOException {
        if (written == labels.length) {
            throw new IllegalStateException("all " + labels.length + " samples are written");
        }
        int n = shape.size();
        crc.reset();
        crc.update(pixels, offset, n);
        checksums[written++] = (int) crc.getValue();
        ByteBuffer b = ByteBuffer.wrap(pixels, offset, n);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** Samples written so far. */
    public int written() {
        return written;
    }

    /** Writes the header, names, labels and checksums, syncs, and renames the file to its target. */
    public void commit() throws IOException {
        if (written != labels.length) {
            throw new IllegalStateException("wrote " + written + " of " + labels.length + " samples");
        }
        ByteBuffer meta = ByteBuffer.allocate((int) (dataOffset - PackedDataset.HEADER_BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (String name : classNames) {
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            meta.putShort((short) utf8.length).put(utf8);
        }
        float[] mean = normalize.mean();
        float[] std = normalize.std();
        for (int c = 0; c < shape.channels(); c++) {
            meta.putFloat(mean[c]).putFloat(std[c]);
        }
        for (int label : labels) {
            meta.putShort((short) label);
        }
        for (int checksum : checksums) {
            meta.putInt(checksum);
        }
        ByteBuffer header = ByteBuffer.allocate(PackedDataset.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(PackedDataset.MAGIC).putInt(PackedDataset.VERSION).putInt(shape.channels()).putInt(shape.height())
                .putInt(shape.width()).putLong(labels.length).putInt(classNames.size()).putInt(namesBytes)
                .putLong(dataOffset);
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(header.array(), 0, 60);
        headerCrc.update(meta.array(), 0, meta.capacity());
        header.putInt(60, (int) headerCrc.getValue());
        header.position(0);
        meta.position(0);
        channel.write(header, 0);
        channel.write(meta, PackedDataset.HEADER_BYTES);
        channel.force(true);
        channel.close();
        AtomicWrite.commit(temporary, target);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            channel.close();
            AtomicWrite.discard(temporary);
        }
    }

    /**
     * Packs {@code source} (whose samples must have 8-bit pixels) into {@code target}: each sample
     * resized to {@code source.sampleShape()} once, by {@code workers} threads, written in order, with
     * {@code normalize} as the statistics to train with. {@code progress} hears the number of samples
     * written after each batch.
     */
    public static void pack(Dataset source, Path target, int workers, Normalize normalize, IntConsumer progress)
            throws IOException {
        int[] labels = new int[source.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = source.label(i);
        }
        int batch = Math.max(1, Math.min(64, source.size()));
        try (PackedDatasetWriter writer = new PackedDatasetWriter(target, source.sampleShape(), source.classNames(),
                normalize, labels);
             DataLoader loader = DataLoader.builder(source).batchSize(batch).shuffle(false).workers(workers).bytes(true)
                     .build()) {
            int n = source.sampleShape().size();
            for (Batch b : loader.epoch()) {
                byte[] pixels = b.pixels();
                for (int r = 0; r < b.size(); r++) {
                    writer.write(pixels, r * n);
                }
                progress.accept(writer.written());
            }
            writer.commit();
        }
    }
}
