package dev.cortado.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests. */
final class IdxTestFiles {
    private IdxTestFiles() {
    }

    /** The bytes of an IDX file: magic, dimensions, data. */
    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] images(int n, int h, int w, byte[] pixels) {
        return idx(IdxFile.IMAGES_MAGIC, new int[] {n, h, w}, pixels);
    }

    static byte[] labels(byte[] labels) {
        return idx(IdxFile.LABELS_MAGIC, new int[] {labels.length}, labels);
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        }
        return bytes.toByteArray();
    }

    /** Writes the four standard files of a tiny dataset (n train, m test images of 2×3) into dir. */
    static void writeDirectory(Path dir, boolean gz, int nTrain, int nTest) throws IOException {
        Files.createDirectories(dir);
        write(dir, IdxDataset.TRAIN_IMAGES, gz, images(nTrain, 2, 3, ramp(nTrain * 6)));
        write(dir, IdxDataset.TRAIN_LABELS, gz, labels(cycle(nTrain)));
        write(dir, IdxDataset.TEST_IMAGES, gz, images(nTest, 2, 3, ramp(nTest * 6)));
        write(dir, IdxDataset.TEST_LABELS, gz, labels(cycle(nTest)));
    }

    static Path write(Path dir, String name, boolean gz, byte[] raw) throws IOException {
        Path p = dir.resolve(gz ? name + ".gz" : name);
        Files.write(p, gz ? gzip(raw) : raw);
        return p;
    }

    /** Bytes 0, 1, 2, ... wrapping at 256. */
    static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /** Labels 0..9 repeating. */
    static byte[] cycle(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 10);
        }
        return b;
    }
}
