package dev.cortado.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsNamesOrderShapesMetadataAndEveryBit() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        // Insertion order deliberately not alphabetical.
        tensors.put("conv1.weight", new TensorData(Shape.nchw(2, 1, 2, 2), new float[] {
            1f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.intBitsToFloat(0x7fc00123),
            Float.POSITIVE_INFINITY, -1.5e-38f}));
        tensors.put("bn.running_mean", new TensorData(Shape.of(3), new float[] {0.1f, 0.2f, 0.3f}));
        tensors.put("optimizer/steps", new TensorData(Shape.of(), new float[] {42f}));
        tensors.put("empty", new TensorData(Shape.of(0, 4), new float[0]));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("cortado.format", "1");
        metadata.put("note", "quotes \" backslash \\ newline \n tab \t unicode ü → ∑ \u0001");
        Path file = dir.resolve("model.safetensors");

        SafeTensors.write(file, tensors, metadata);
        SafeTensorsFile read = SafeTensors.read(file);

        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(read.tensors().keySet()), "order");
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            TensorData back = read.tensors().get(e.getKey());
            assertEquals(e.getValue().shape(), back.shape(), e.getKey());
            assertArrayEquals(bits(e.getValue().data()), bits(back.data()), e.getKey() + " bit-exact, NaN payload included");
        }
        assertEquals(metadata, read.metadata());
    }

    @Test
    void theHeaderIsPaddedWithSpacesSoTheDataStartsAtAMultipleOfEight() throws IOException {
        for (int extra = 0; extra < 8; extra++) {
            Path file = dir.resolve("pad" + extra + ".safetensors");
            SafeTensors.write(file, Map.of("w", new TensorData(Shape.of(1), new float[] {1f})),
                    Map.of("k", "x".repeat(extra)));
            byte[] bytes = Files.readAllBytes(file);
            long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, (8 + n) % 8, "data offset for metadata length " + extra);
            String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
            assertTrue(header.stripTrailing().endsWith("}"), header);
            assertTrue(header.substring(header.lastIndexOf('}') + 1).chars().allMatch(c -> c == ' '), "padding is spaces");
        }
    }

    @Test
    void aTinyFileIsByteForByteTheSpecsLayout() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        SafeTensors.write(file, Map.of("a", new TensorData(Shape.of(2), new float[] {1f, -2f})), Map.of());

        // aa36f2c9: CRC-32C of the 8 data bytes, from a bitwise reference (reflected polynomial 0x82F63B78).
        String json = "{\"__metadata__\":{\"cortado.crc32c\":\"{\\\"a\\\":\\\"aa36f2c9\\\"}\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertEquals(111, json.length());
        ByteBuffer expected = ByteBuffer.allocate(8 + 112 + 8).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(112);                                    // header length, padded from 111 to 112
        expected.put((json + " ").getBytes(StandardCharsets.US_ASCII));
        expected.put(new byte[] {0x00, 0x00, (byte) 0x80, 0x3f}); // 1.0f little-endian
        expected.put(new byte[] {0x00, 0x00, 0x00, (byte) 0xc0}); // -2.0f little-endian
        assertArrayEquals(expected.array(), Files.readAllBytes(file));
    }

    @Test
    void oneFlippedBitInATensorsDataFailsTheLoadNamingThatTensor() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("conv1.weight", new TensorData(Shape.of(3), new float[] {1f, 2f, 3f}));
        tensors.put("fc.bias", new TensorData(Shape.of(2), new float[] {4f, 5f}));
        tensors.put("fc.weight", new TensorData(Shape.of(2), new float[] {6f, 7f}));
        Path file = dir.resolve("flip.safetensors");
        SafeTensors.write(file, tensors, Map.of("epoch", "3"));
        byte[] clean = Files.readAllBytes(file);
        long dataStart = 8 + ByteBuffer.wrap(clean).order(ByteOrder.LITTLE_ENDIAN).getLong();

        // Every bit of fc.bias's 8 bytes, which lie after conv1.weight's 12: each flip is caught and named.
        for (int bit = 0; bit < 64; bit++) {
            byte[] bytes = clean.clone();
            bytes[(int) dataStart + 12 + bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(file, bytes);
            assertProblem(file, "tensor 'fc.bias' is corrupted: the CRC-32C of its 8 bytes is ");
        }
        // Two tensors damaged: the first in header order is named.
        byte[] bytes = clean.clone();
        bytes[(int) dataStart + 12] ^= 1;
        bytes[(int) dataStart + 1] ^= 1;
        Files.write(file, bytes);
        assertProblem(file, "tensor 'conv1.weight' is corrupted");

        Files.write(file, clean);
        SafeTensorsFile read = SafeTensors.read(file);
        assertEquals(Map.of("epoch", "3"), read.metadata(), "the checksum entry is the format's, not the caller's");
        assertEquals(Map.of("epoch", "3"), SafeTensors.readHeader(file).metadata());
    }

    @Test
    void aFileWithoutChecksumsStillLoads() throws IOException {
        // As numpy's or PyTorch's safetensors writers produce it: no checksum entry, so nothing to verify.
        Path file = file("plain", "{\"__metadata__\":{\"format\":\"pt\"}," + entry("w", "[2]", 0, 8) + "}", floats(1f, 2f));
        assertArrayEquals(new float[] {1f, 2f}, SafeTensors.read(file).tensors().get("w").data());
    }

    @Test
    void aChecksumEntryThatDoesNotMatchTheTensorsIsReported() throws IOException {
        assertProblem(file("notjson", "{\"__metadata__\":{\"cortado.crc32c\":\"{\"}," + entry("w", "[1]", 0, 4) + "}",
                floats(1f)), "metadata 'cortado.crc32c' is not valid JSON");
        assertProblem(file("missing", "{\"__metadata__\":{\"cortado.crc32c\":\"{}\"}," + entry("w", "[1]", 0, 4) + "}",
                floats(1f)), "metadata 'cortado.crc32c' has no checksum for tensor 'w'");
        assertProblem(file("extra", "{\"__metadata__\":{\"cortado.crc32c\":\"{\\\"w\\\":\\\"00000000\\\","
                + "\\\"v\\\":\\\"00000000\\\"}\"}," + entry("w", "[1]", 0, 4) + "}", floats(1f)),
                "lists tensor 'v', which the file does not hold");
        assertProblem(file("badhex", "{\"__metadata__\":{\"cortado.crc32c\":\"{\\\"w\\\":\\\"xyz\\\"}\"},"
                + entry("w", "[1]", 0, 4) + "}", floats(1f)), "gives tensor 'w' the checksum xyz, not 8 lower-case hex digits");
    }

    @Test
    void theChecksumEntryIsReservedForTheWriter() {
        Map<String, TensorData> t = Map.of("w", new TensorData(Shape.of(1), new float[] {1f}));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(dir.resolve("x"), t, Map.of(SafeTensors.CHECKSUMS_KEY, "{}")));
    }

    @Test
    void aFileFromAnotherWriterMayListTensorsAndMetadataInAnyOrder() throws IOException {
        // As the reference implementation writes: tensors out of offset order, metadata last, no padding needed.
        String json = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}";
        Path file = file("foreign", json, floats(3f, 4f));
        SafeTensorsFile read = SafeTensors.read(file);
        assertEquals(List.of("b", "a"), List.copyOf(read.tensors().keySet()), "header order");
        assertArrayEquals(new float[] {4f}, read.tensors().get("b").data());
        assertArrayEquals(new float[] {3f}, read.tensors().get("a").data());
        assertEquals(Shape.of(1, 1), read.tensors().get("a").shape());
        assertEquals(Map.of("format", "pt"), read.metadata());
    }

    @Test
    void theHeaderAloneGivesShapesInOrderAndMetadataWithTheSameChecks() throws IOException {
        Path file = dir.resolve("header.safetensors");
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("fc.weight", new TensorData(Shape.of(2, 3), new float[6]));
        tensors.put("fc.bias", new TensorData(Shape.of(2), new float[2]));
        SafeTensors.write(file, tensors, Map.of("cortado.format", "1"));

        SafeTensorsHeader header = SafeTensors.readHeader(file);
        assertEquals(List.of("fc.weight", "fc.bias"), List.copyOf(header.shapes().keySet()));
        assertEquals(Shape.of(2, 3), header.shapes().get("fc.weight"));
        assertEquals(Map.of("cortado.format", "1"), header.metadata());

        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafeTensors.readHeader(file));
        assertTrue(e.getMessage().contains("the file is truncated"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsReported() throws IOException {
        Path file = dir.resolve("cut.safetensors");
        SafeTensors.write(file, Map.of("w", new TensorData(Shape.of(4), new float[] {1, 2, 3, 4})), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertProblem(file, "tensors need 16 data bytes but the file holds 12; the file is truncated");

        Files.write(file, java.util.Arrays.copyOf(bytes, 20));
        assertProblem(file, "exceeds the 12 bytes after the length field; the file is truncated");

        Files.write(file, new byte[] {1, 2, 3});
        assertProblem(file, "the file is 3 bytes, too short for the 8-byte header length");
    }

    @Test
    void aHeaderThatIsNotJsonIsReported() throws IOException {
        assertProblem(file("json", "{\"w\":{\"dtype\":\"F32\",", floats()), "header is not valid JSON: JSON at character");
        assertProblem(file("array", "[1,2]   ", floats()), "header is not a JSON object");
        assertProblem(file("dup", "{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", floats(1f)), "duplicate key \"w\"");
        Path notUtf8 = dir.resolve("latin1.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(8)
                .put(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}', ' '});
        Files.write(notUtf8, b.array());
        assertProblem(notUtf8, "header is not valid UTF-8");
    }

    @Test
    void aHugeHeaderLengthIsRejectedBeforeAllocating() throws IOException {
        Path file = dir.resolve("huge.safetensors");
        Files.write(file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
        assertProblem(file, "header length 9223372036854775807 is outside [2, 104857600]");
    }

    @Test
    void offsetsOutOfRangeOrNotContiguousAreReported() throws IOException {
        assertProblem(file("range", entry("w", "[4]", 0, 16), floats(1f, 2f)),
                "tensors need 16 data bytes but the file holds 8");
        assertProblem(file("gap", "{" + entry("a", "[1]", 0, 4) + "," + entry("b", "[1]", 8, 12) + "}", floats(1, 2, 3)),
                "tensor 'b' starts at data byte 8, expected 4 (the end of 'a'); the data offsets leave a gap or overlap");
        assertProblem(file("overlap", "{" + entry("a", "[2]", 0, 8) + "," + entry("b", "[1]", 4, 8) + "}", floats(1, 2)),
                "tensor 'b' starts at data byte 4, expected 8 (the end of 'a'); the data offsets leave a gap or overlap");
        assertProblem(file("trailing", entry("w", "[1]", 0, 4), floats(1f, 2f)),
                "the file holds 8 data bytes but tensors cover only 4");
        assertProblem(file("reversed", entry("w", "[0]", 8, 4), floats(1f, 2f)),
                "tensor 'w' has data_offsets [8, 4]; expected [begin, end] with 0 <= begin <= end");
        assertProblem(file("length", entry("w", "[3]", 0, 8), floats(1f, 2f)),
                "tensor 'w': shape [3] of F32 needs 12 bytes but data_offsets [0, 8] span 8");
        assertProblem(file("negdim", entry("w", "[-1]", 0, 4), floats(1f)), "tensor 'w' has an invalid dimension -1");
    }

    @Test
    void aDtypeTheFormatDoesNotDefineIsReported() throws IOException {
        String json = "{\"w\":{\"dtype\":\"F12\",\"shape\":[2],\"data_offsets\":[0,4]}}";
        assertProblem(file("f12", json, floats(1f)), "tensor 'w' has dtype F12, which the safetensors format does not define");
        String missing = "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertProblem(file("nodtype", missing, floats(1f)), "tensor 'w' has dtype null");
        String shortF16 = "{\"w\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,4]}}";
        assertProblem(file("short16", shortF16, floats(1f)), "tensor 'w': shape [3] of F16 needs 6 bytes");
    }

    /**
     * Half-precision state dicts load as float32, exactly: binary16 1, −2, its largest 65504, its
     * smallest subnormal 2^-24, −0 and +∞; bfloat16 is the top half of a float32 (0x3fc0 = 1.5,
     * 0x0080 = 2^-126); F64 rounds to the nearest float.
     */
    @Test
    void halfBfloatAndDoubleTensorsAreReadAsFloat32() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(12 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int h : new int[] {0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00}) {
            data.putShort((short) h);
        }
        data.putShort((short) 0x3fc0).putShort((short) 0x0080).putDouble(0.1);
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[12,16]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[16,24]}}";
        SafeTensorsFile f = SafeTensors.read(file("mixed", json, data.array()));
        assertArrayEquals(bits(new float[] {1f, -2f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY}),
                bits(f.tensors().get("h").data()));
        assertEquals(Shape.of(2, 3), f.tensors().get("h").shape());
        assertArrayEquals(new float[] {1.5f, 0x1p-126f}, f.tensors().get("b").data());
        assertArrayEquals(new float[] {0.1f}, f.tensors().get("d").data());
    }

    /** Every binary16 value converts as the reference formula says (normals, subnormals, infinities, NaN). */
    @Test
    void everyHalfPrecisionValueConvertsExactly() {
        for (int h = 0; h < 0x10000; h++) {
            int exponent = (h >>> 10) & 0x1f;
            int fraction = h & 0x3ff;
            double magnitude = exponent == 0 ? fraction * Math.pow(2, -24)
                    : exponent == 0x1f ? (fraction == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                    : (1 + fraction / 1024.0) * Math.pow(2, exponent - 15);
            float expected = (float) ((h & 0x8000) != 0 ? -magnitude : magnitude);
            float actual = SafeTensorsDtype.halfToFloat((short) h);
            if (Float.isNaN(expected)) {
                assertTrue(Float.isNaN(actual), "0x" + Integer.toHexString(h));
            } else {
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), "0x" + Integer.toHexString(h));
            }
        }
    }

    /** PyTorch's int64 num_batches_tracked: validated with the file, skipped when not wanted, refused as weights. */
    @Test
    void integerTensorsAreSkippedUnlessAskedFor() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(4 + 8).order(ByteOrder.LITTLE_ENDIAN).putFloat(2.5f).putLong(7);
        String json = "{\"bn.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[4,12]}}";
        Path file = file("int", json, data.array());
        SafeTensorsFile f = SafeTensors.read(file, name -> !name.endsWith("num_batches_tracked"));
        assertEquals(List.of("bn.weight"), List.copyOf(f.tensors().keySet()));
        assertArrayEquals(new float[] {2.5f}, f.tensors().get("bn.weight").data());
        assertProblem(file, "tensor 'bn.num_batches_tracked' has dtype I64; only floating-point tensors");
    }

    @Test
    void metadataValuesMustBeStrings() throws IOException {
        assertProblem(file("meta", "{\"__metadata__\":{\"epoch\":3}}", floats()), "metadata value of 'epoch' is not a string");
    }

    @Test
    void aFailureMidWriteLeavesThePreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("checkpoint.safetensors");
        SafeTensors.write(file, Map.of("w", new TensorData(Shape.of(2), new float[] {1f, 2f})), Map.of("epoch", "1"));
        byte[] before = Files.readAllBytes(file);

        Map<String, TensorData> next = Map.of("w", new TensorData(Shape.of(2), new float[] {3f, 4f}));
        IOException failure = assertThrows(IOException.class,
                () -> SafeTensors.write(file, next, Map.of("epoch", "2"), failingAfter(20)));
        assertEquals("disk full (simulated)", failure.getMessage());

        assertArrayEquals(before, Files.readAllBytes(file), "the previous checkpoint is untouched");
        assertEquals(List.of(file), listDir(), "no temporary file is left behind");

        SafeTensors.write(file, next, Map.of("epoch", "2"));
        assertArrayEquals(new float[] {3f, 4f}, SafeTensors.read(file).tensors().get("w").data(), "a later write replaces it");
        assertEquals(List.of(file), listDir());
    }

    @Test
    void tensorNamesThatClashWithTheFormatAreRefused() {
        Map<String, TensorData> bad = Map.of("__metadata__", new TensorData(Shape.of(1), new float[] {1f}));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("x"), bad, Map.of()));
    }

    /** A channel that passes bytes through until {@code limit} have gone, then fails as a full disk would. */
    private static java.util.function.UnaryOperator<WritableByteChannel> failingAfter(int limit) {
        return channel -> new WritableByteChannel() {
            private int written;

            @Override
            public int write(ByteBuffer src) throws IOException {
                if (written + src.remaining() > limit) {
                    throw new IOException("disk full (simulated)");
                }
                int n = channel.write(src);
                written += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return channel.isOpen();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.toList());
        }
    }

    private static String entry(String name, String shape, long begin, long end) {
        String e = "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
        return e;
    }

    /** A file with the given header text (wrapped in braces when it is a single entry) and data bytes. */
    private Path file(String name, String header, byte[] data) throws IOException {
        String json = header.startsWith("{") || header.startsWith("[") ? header : "{" + header + "}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path file = dir.resolve(name + ".safetensors");
        Files.write(file, b.array());
        return file;
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }

    private static void assertProblem(Path file, String problem) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
        assertEquals(file, e.file());
    }
}
