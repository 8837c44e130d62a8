package dev.cortado.checkpoint;

import dev.cortado.files.AtomicWrite;
import dev.cortado.json.Json;
import dev.cortado.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Reads and writes the safetensors format (github.com/huggingface/safetensors): an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON
 * {@code {"__metadata__": {string: string}, "name": {"dtype": "F32", "shape": [...],
 * "data_offsets": [begin, end]}, ...}} padded with spaces to a multiple of 8, then the tensors'
 * little-endian bytes, offsets relative to the end of the header. Cortado writes F32; it reads F32,
 * F16, BF16 and F64 tensors as float32 (see {@link SafeTensorsDtype}), and validates but does not
 * read integer tensors. Loading never executes code;
 * every field is validated and a bad file raises a {@link CheckpointFormatException} naming the
 * file and the problem. Writes are atomic: a temporary file in the same folder, forced to disk,
 * then renamed over the target.
 *
 * <p>Integrity: the writer records a CRC-32C of each tensor's bytes in one metadata entry,
 * {@value #CHECKSUMS_KEY}, whose string value is a JSON object {@code {"name": "8 hex digits", ...}}
 * (metadata values must be strings for other readers). Every {@link #read} recomputes them and a
 * mismatch fails naming the first tensor, in header order, whose bytes changed: the disk or a copy
 * flipped a bit that the format's structural checks cannot see. Files without the entry (older
 * Cortado files, numpy's or PyTorch's) load unverified. The entry is the format's, not the caller's:
 * {@link SafeTensorsFile#metadata()} and {@link SafeTensorsHeader#metadata()} leave it out.
 */
public final class SafeTensors {
    private static final Logger LOG = LogManager.getLogger(SafeTensors.class);

    public static final String METADATA_KEY = "__metadata__";
    /** The metadata entry holding each tensor's CRC-32C (Castagnoli, as java.util.zip.CRC32C computes it). */
    public static final String CHECKSUMS_KEY = "cortado.crc32c";
    /** The reference implementation's bound on the header, which keeps a corrupt length from exhausting memory. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    /** Tensor bytes are converted and written through a buffer of this size. */
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensors() {
    }

    /**
     * Writes the tensors, in the map's iteration order, and the metadata to {@code file}, replacing
     * it atomically: on any failure the previous file is left as it was and the temporary file is
     * removed.
     */
    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, UnaryOperator.identity());
    }

    /** As {@link #write(Path, Map, Map)}, with the file's channel wrapped by {@code channel}: the seam tests use to fail mid-write. */
    static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata,
                      UnaryOperator<WritableByteChannel> channel) throws IOException {
        byte[] header = header(tensors, metadata);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path temp = AtomicWrite.temporaryFor(target);
        boolean moved = false;
        try {
            try (FileChannel fc = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                WritableByteChannel out = channel.apply(fc);
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
                writeFully(out, length);
                writeFully(out, ByteBuffer.wrap(header));
                ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (TensorData t : tensors.values()) {
                    littleEndianChunks(t.data(), chunk, bytes -> writeFully(out, bytes));
                }
                fc.force(true);
            }
            AtomicWrite.commit(temp, target);
            moved = true;
        } finally {
            if (!moved) {
                try {
                    AtomicWrite.discard(temp);
                } catch (IOException cleanup) {
                    LOG.warn("could not remove the temporary file {}: {}", temp, cleanup.getMessage());
                }
            }
        }
        syncDirectory(dir);
        LOG.debug("wrote {} tensors to {}", tensors.size(), target);
    }

    /** What is done with each chunk of a tensor's bytes: written, or fed to a checksum. */
    @FunctionalInterface
    private interface ChunkSink {
        void accept(ByteBuffer bytes) throws IOException;
    }

    /** {@code data} as little-endian float32 bytes, in chunks of {@code chunk}'s capacity, the format's layout. */
    private static void littleEndianChunks(float[] data, ByteBuffer chunk, ChunkSink sink) throws IOException {
        int done = 0;
        while (done < data.length) {
            int n = Math.min(data.length - done, chunk.capacity() / Float.BYTES);
            chunk.clear();
            chunk.asFloatBuffer().put(data, done, n);
            chunk.limit(n * Float.BYTES);
            sink.accept(chunk);
            done += n;
        }
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** Makes the rename itself durable; not every platform can open a directory, which is then no worse than before. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ex) {
            LOG.debug("cannot sync directory {}: {}", dir, ex.getMessage());
        }
    }

    /** The JSON header, space-padded to a multiple of 8 bytes so the data section starts aligned. */
    static byte[] header(Map<String, TensorData> tensors, Map<String, String> metadata) {
        Map<String, Object> json = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("safetensors metadata: null key or value in " + metadata);
            }
            if (e.getKey().equals(CHECKSUMS_KEY)) {
                throw new IllegalArgumentException("safetensors metadata: '" + CHECKSUMS_KEY
                        + "' is written by SafeTensors itself");
            }
        }
        Map<String, Object> withChecksums = new LinkedHashMap<>(metadata);
        withChecksums.put(CHECKSUMS_KEY, Json.write(checksums(tensors)));
        json.put(METADATA_KEY, withChecksums);
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("safetensors: '" + name + "' cannot name a tensor");
            }
            Shape shape = e.getValue().shape();
            List<Object> dims = new ArrayList<>();
            for (int d : shape.dims()) {
                dims.add((long) d);
            }
            long end = offset + shape.size() * Float.BYTES;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            entry.put("shape", dims);
            entry.put("data_offsets", List.of(offset, end));
            json.put(name, entry);
            offset = end;
        }
        byte[] text = Json.write(json).getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        System.arraycopy(text, 0, header, 0, text.length);
        for (int i = text.length; i < padded; i++) {
            header[i] = ' ';
        }
        return header;
    }

    /** Each tensor's CRC-32C over its little-endian bytes, by name, as 8 lower-case hex digits. */
    private static Map<String, Object> checksums(Map<String, TensorData> tensors) {
        Map<String, Object> crcs = new LinkedHashMap<>();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                continue; // reported with its name by the tensor entries below
            }
            CRC32C crc = new CRC32C();
            try {
                littleEndianChunks(e.getValue().data(), chunk, crc::update);
            } catch (IOException impossible) {
                throw new java.io.UncheckedIOException(impossible);
            }
            crcs.put(e.getKey(), hex(crc.getValue()));
        }
        return crcs;
    }

    private static String hex(long crc) {
        return String.format("%08x", crc);
    }

    /**
     * Reads and validates a whole file, verifying its checksums if it has them; tensors come back in header
     * order, as float32. A tensor of an
     * integer or boolean type is an error here; {@link #read(Path, Predicate)} can leave it out.
     */
    public static SafeTensorsFile read(Path file) throws IOException {
        return read(file, name -> true);
    }

    /**
     * Validates the whole file and reads the tensors whose names {@code wanted} accepts, in header
     * order, as float32; the others are not read (a weights loader skips what it does not need, such
     * as PyTorch's int64 {@code num_batches_tracked}). A wanted tensor must have a floating-point type.
     */
    public static SafeTensorsFile read(Path file, Predicate<String> wanted) throws IOException {
        try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = header(fc, file);
            if (h.checksums == null) {
                LOG.debug("{} records no tensor checksums (an older Cortado file, or another tool's); loading it"
                        + " unverified", file);
            }
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            CRC32C crc = new CRC32C();
            for (Entry e : h.entries) {
                if (!wanted.test(e.name)) {
                    continue;
                }
                if (!e.dtype.floating) {
                    throw new CheckpointFormatException(file, "tensor '" + e.name + "' has dtype " + e.dtype
                            + "; only floating-point tensors " + SafeTensorsDtype.floatingNames() + " can be loaded");
                }
                float[] data = new float[Math.toIntExact(e.shape.size())];
                crc.reset();
                readFloats(fc, h.dataStart + e.begin, e.dtype, data, file, crc);
                if (h.checksums != null) {
                    String recorded = h.checksums.get(e.name);
                    String actual = hex(crc.getValue());
                    if (!recorded.equals(actual)) {
                        throw new CheckpointFormatException(file, "tensor '" + e.name + "' is corrupted: the CRC-32C"
                                + " of its " + (e.end - e.begin) + " bytes is " + actual + " but the file records "
                                + recorded + "; restore the file from a copy or use another checkpoint");
                    }
                }
                tensors.put(e.name, new TensorData(e.shape, data));
            }
            return new SafeTensorsFile(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(h.metadata));
        }
    }

    /**
     * Reads and validates only the header (with the same checks as {@link #read}, the file's
     * length included): tensor shapes in header order and the metadata, so a caller can check
     * the format version or the architecture before reading any tensor data.
     */
    public static SafeTensorsHeader readHeader(Path file) throws IOException {
        try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = header(fc, file);
            Map<String, Shape> shapes = new LinkedHashMap<>();
            for (Entry e : h.entries) {
                shapes.put(e.name, e.shape);
            }
            return new SafeTensorsHeader(Collections.unmodifiableMap(shapes), Collections.unmodifiableMap(h.metadata));
        }
    }

    private static Header header(FileChannel fc, Path file) throws IOException {
        long size = fc.size();
        if (size < 8) {
            throw new CheckpointFormatException(file, "the file is " + size
                    + " bytes, too short for the 8-byte header length; not a safetensors file or truncated");
        }
        ByteBuffer lengthBytes = readAt(fc, 0, 8, file);
        long headerLength = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new CheckpointFormatException(file, "header length " + headerLength
                    + " is outside [2, " + MAX_HEADER_BYTES + "]; not a safetensors file");
        }
        if (headerLength > size - 8) {
            throw new CheckpointFormatException(file, "header length " + headerLength + " exceeds the "
                    + (size - 8) + " bytes after the length field; the file is truncated");
        }
        String text = decodeUtf8(readAt(fc, 8, (int) headerLength, file), file);
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException ex) {
            throw new CheckpointFormatException(file, "header is not valid JSON: " + ex.getMessage(), ex);
        }
        if (!(parsed instanceof Map<?, ?> header)) {
            throw new CheckpointFormatException(file, "header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        return validate(header, dataStart, size - dataStart, file);
    }

    private record Entry(String name, SafeTensorsDtype dtype, Shape shape, long begin, long end) {
    }

    /** {@code checksums} is null for a file that records none. */
    private record Header(List<Entry> entries, Map<String, String> metadata, Map<String, String> checksums,
                          long dataStart) {
    }

    private static Header validate(Map<?, ?> header, long dataStart, long dataLength, Path file) throws CheckpointFormatException {
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw new CheckpointFormatException(file, METADATA_KEY + " is not a JSON object");
                }
                for (Map.Entry<?, ?> me : m.entrySet()) {
                    if (!(me.getValue() instanceof String v)) {
                        throw new CheckpointFormatException(file, "metadata value of '" + me.getKey() + "' is not a string");
                    }
                    metadata.put((String) me.getKey(), v);
                }
                continue;
            }
            entries.add(entry(name, e.getValue(), file));
        }
        // Tensors may be listed in any order, but their bytes must tile the data section exactly.
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin));
        long expected = 0;
        String previous = null;
        for (Entry e : byOffset) {
            if (e.begin != expected) {
                throw new CheckpointFormatException(file, "tensor '" + e.name + "' starts at data byte " + e.begin
                        + ", expected " + expected + (previous == null ? "" : " (the end of '" + previous + "')")
                        + "; the data offsets leave a gap or overlap");
            }
            expected = e.end;
            previous = e.name;
        }
        if (expected > dataLength) {
            throw new CheckpointFormatException(file, "tensors need " + expected + " data bytes but the file holds "
                    + dataLength + "; the file is truncated or data_offsets are out of range");
        }
        if (expected < dataLength) {
            throw new CheckpointFormatException(file, "the file holds " + dataLength + " data bytes but tensors cover only "
                    + expected);
        }
        String recorded = metadata.remove(CHECKSUMS_KEY);
        Map<String, String> checksums = recorded == null ? null : checksums(recorded, entries, file);
        return new Header(entries, metadata, checksums, dataStart);
    }

    /** The checksum entry, which must give 8 hex digits for exactly the file's tensors. */
    private static Map<String, String> checksums(String recorded, List<Entry> entries, Path file)
            throws CheckpointFormatException {
        String where = "metadata '" + CHECKSUMS_KEY + "'";
        Object parsed;
        try {
            parsed = Json.parse(recorded);
        } catch (IllegalArgumentException ex) {
            throw new CheckpointFormatException(file, where + " is not valid JSON: " + ex.getMessage(), ex);
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new CheckpointFormatException(file, where + " is not a JSON object of tensor checksums");
        }
        Map<String, String> checksums = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String v) || !v.matches("[0-9a-f]{8}")) {
                throw new CheckpointFormatException(file, where + " gives tensor '" + e.getKey() + "' the checksum "
                        + e.getValue() + ", not 8 lower-case hex digits");
            }
            checksums.put((String) e.getKey(), v);
        }
        for (Entry e : entries) {
            if (!checksums.containsKey(e.name)) {
                throw new CheckpointFormatException(file, where + " has no checksum for tensor '" + e.name
                        + "'; the header was edited after the file was written");
            }
        }
        if (checksums.size() != entries.size()) {
            for (String name : checksums.keySet()) {
                if (entries.stream().noneMatch(e -> e.name.equals(name))) {
                    throw new CheckpointFormatException(file, where + " lists tensor '" + name
                            + "', which the file does not hold; the header was edited after the file was written");
                }
            }
        }
        return checksums;
    }

    private static Entry entry(String name, Object value, Path file) throws CheckpointFormatException {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> m)) {
            throw new CheckpointFormatException(file, where + " is not described by a JSON object");
        }
        for (Object key : m.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new CheckpointFormatException(file, where + " has an unknown field '" + key + "'");
            }
        }
        SafeTensorsDtype dtype = SafeTensorsDtype.named(m.get("dtype"));
        if (dtype == null) {
            throw new CheckpointFormatException(file, where + " has dtype " + m.get("dtype")
                    + ", which the safetensors format does not define; expected one of "
                    + java.util.Arrays.toString(SafeTensorsDtype.values()));
        }
        List<Long> dims = integers(m.get("shape"), where + " shape", file);
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            long d = dims.get(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new CheckpointFormatException(file, where + " has an invalid dimension " + d + " in shape " + dims);
            }
            shape[i] = (int) d;
        }
        List<Long> offsets = integers(m.get("data_offsets"), where + " data_offsets", file);
        if (offsets.size() != 2 || offsets.get(0) < 0 || offsets.get(1) < offsets.get(0)) {
            throw new CheckpointFormatException(file, where + " has data_offsets " + offsets
                    + "; expected [begin, end] with 0 <= begin <= end");
        }
        Shape s;
        try {
            s = Shape.of(shape);
        } catch (ArithmeticException ex) {
            throw new CheckpointFormatException(file, where + " has shape " + dims + " with too many elements", ex);
        }
        long bytes = offsets.get(1) - offsets.get(0);
        if (s.size() > Integer.MAX_VALUE || s.size() * dtype.bytes != bytes) {
            throw new CheckpointFormatException(file, where + ": shape " + s + " of " + dtype + " needs "
                    + s.size() * dtype.bytes + " bytes but data_offsets " + offsets + " span " + bytes);
        }
        return new Entry(name, dtype, s, offsets.get(0), offsets.get(1));
    }

    private static List<Long> integers(Object value, String what, Path file) throws CheckpointFormatException {
        if (!(value instanceof List<?> list)) {
            throw new CheckpointFormatException(file, what + " is missing or not a JSON array");
        }
        List<Long> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof Long l)) {
                throw new CheckpointFormatException(file, what + " holds " + o + ", not an integer");
            }
            out.add(l);
        }
        return out;
    }

    private static String decodeUtf8(ByteBuffer bytes, Path file) throws CheckpointFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException ex) {
            throw new CheckpointFormatException(file, "header is not valid UTF-8", ex);
        }
    }

    private static ByteBuffer readAt(FileChannel fc, long position, int length, Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (fc.read(b, position + b.position()) < 0) {
                throw new CheckpointFormatException(file, "unexpected end of file at byte " + (position + b.position()));
            }
        }
        return b.flip();
    }

    /** Reads {@code out.length} values of {@code dtype} at {@code position} as floats, feeding their bytes to {@code crc}. */
    private static void readFloats(FileChannel fc, long position, SafeTensorsDtype dtype, float[] out, Path file,
                                   CRC32C crc) throws IOException {
        int width = dtype.bytes;
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, (long) out.length * width))
                .order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < out.length) {
            int n = Math.min(out.length - done, chunk.capacity() / width);
            chunk.clear().limit(n * width);
            long at = position + (long) done * width;
            while (chunk.hasRemaining()) {
                if (fc.read(chunk, at + chunk.position()) < 0) {
                    throw new CheckpointFormatException(file, "unexpected end of file at byte " + (at + chunk.position()));
                }
            }
            chunk.flip();
            crc.update(chunk.duplicate());
            dtype.decode(chunk, out, done, n);
            done += n;
        }
    }
}
