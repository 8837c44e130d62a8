package dev.cortado.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One IDX file as used by MNIST and Fashion-MNIST (LeCun et al., "THE MNIST DATABASE"): a big-endian
 * magic number {@code 0x0000TTDD} where TT is the element type (0x08 = unsigned byte) and DD the number
 * of dimensions, then DD big-endian 32-bit sizes, then the elements. Files may be gzip-compressed; that
 * is recognised by the gzip signature, not the file name.
 */
public final class IdxFile {
    /** Magic number of an unsigned-byte IDX file with 3 dimensions (images N×H×W). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte IDX file with 1 dimension (labels N). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int GZIP_SIGNATURE = 0x1f8b;

    private final Path file;
    private final int[] dims;
    private final byte[] data;

    private IdxFile(Path file, int[] dims, byte[] data) {
        this.file = file;
        this.dims = dims;
        this.data = data;
    }

    public Path file() {
        return file;
    }

    /** The sizes from the header, outermost first. */
    public int[] dims() {
        return dims.clone();
    }

    /** The elements, row-major; the caller owns the array (it is not copied, files are large). */
    public byte[] data() {
        return data;
    }

    /**
     * Reads an unsigned-byte IDX file and checks that its magic number is {@code expectedMagic} and
     * that exactly the number of bytes its header declares follows it.
     */
    public static IdxFile read(Path file, int expectedMagic) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file, "no such file");
        }
        try (InputStream in = open(file)) {
            int magic = readInt(in, file, "the magic number");
            if (magic != expectedMagic) {
                throw new DatasetFormatException(file, String.format(
                        "wrong magic number 0x%08X, expected 0x%08X (%s); this is not an IDX %s file — check that "
                                + "the images and labels files are not swapped and the file is not corrupted",
                        magic, expectedMagic, describeMagic(expectedMagic),
                        expectedMagic == IMAGES_MAGIC ? "images" : "labels"));
            }
            int rank = expectedMagic & 0xFF;
            int[] dims = new int[rank];
            long length = 1;
            for (int d = 0; d < rank; d++) {
                dims[d] = readInt(in, file, "dimension " + d + " of the header");
                if (dims[d] < 0) {
                    throw new DatasetFormatException(file, "header declares negative dimension " + dims[d]
                            + "; the file is corrupted");
                }
                // Checked at each step: the product of four int dimensions can wrap past a long.
                length *= dims[d];
                if (length > Integer.MAX_VALUE - 8) {
                    throw new DatasetFormatException(file, "header declares " + Arrays.toString(dims)
                            + ", more bytes than one array can hold");
                }
            }
            byte[] data = in.readNBytes((int) length);
            if (data.length < length) {
                throw new DatasetFormatException(file, "truncated: the header declares " + Arrays.toString(dims)
                        + " = " + length + " bytes of data but only " + data.length
                        + " follow; download the file again");
            }
            long extra = in.skip(Long.MAX_VALUE);
            if (extra > 0 || in.read() >= 0) {
                throw new DatasetFormatException(file, "length does not match the header: " + Arrays.toString(dims)
                        + " = " + length + " bytes declared but more data follows; the file is corrupted or "
                        + "not an IDX file");
            }
            return new IdxFile(file, dims, data);
        } catch (EOFException | ZipException e) {
            throw new DatasetFormatException(file, "truncated or damaged gzip stream (" + e.getMessage()
                    + "); download the file again", e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 >= 0 && b1 >= 0 && ((b0 << 8) | b1) == GZIP_SIGNATURE) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    private static int readInt(InputStream in, Path file, String what) throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) {
            throw new DatasetFormatException(file, "truncated: the file ends inside " + what
                    + "; download the file again");
        }
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    private static String describeMagic(int magic) {
        return "unsigned bytes, " + (magic & 0xFF) + " dimension" + ((magic & 0xFF) == 1 ? "" : "s");
    }
}
