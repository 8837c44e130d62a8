package dev.cortado.cli;

import dev.cortado.data.IdxFile;
import dev.cortado.data.Normalize;
import dev.cortado.infer.ImagePreprocessing;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Images to predict on, as normalized CHW floats of the model's input shape: PNG/JPEG files (resized
 * bilinearly, converted to grey or RGB), or the first images of an IDX images file.
 */
final class ImageInput {
    /** One input image: where it came from and its pixels, ready for the network. */
    record Sample(String label, float[] pixels) {
    }

    private ImageInput() {
    }

    /** True when the file (raw or gzipped) starts with the IDX magic number of an images file. */
    static boolean isIdx(Path file) throws IOException {
        boolean gzip;
        try (InputStream raw = Files.newInputStream(file)) {
            byte[] head = raw.readNBytes(2);
            gzip = head.length == 2 && (head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b;
        }
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream d = new DataInputStream(gzip ? new GZIPInputStream(raw) : raw)) {
            return d.readInt() == IdxFile.IMAGES_MAGIC;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first {@code limit} images of an IDX images file. */
    static List<Sample> readIdx(Path file, int limit, int channels, int height, int width, Normalize normalize)
            throws IOException {
        IdxFile idx = IdxFile.read(file, IdxFile.IMAGES_MAGIC);
        int[] dims = idx.dims();
        int n = Math.min(limit, dims[0]);
        int h = dims[1];
        int w = dims[2];
        byte[] data = idx.data();
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, w, h, java.util.Arrays.copyOfRange(data, i * h * w, (i + 1) * h * w));
            out.add(new Sample(file.getFileName() + "[" + i + "]", pixels(img, channels, height, width, normalize)));
        }
        return out;
    }

    static Sample readImage(Path file, int channels, int height, int width, Normalize normalize) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(file + ": no such image file");
        }
        BufferedImage img = ImagePreprocessing.read(file);
        return new Sample(file.toString(), pixels(img, channels, height, width, normalize));
    }

    /** CHW floats of the model's input, prepared as the library's {@link ImagePreprocessing} does. */
    static float[] pixels(BufferedImage source, int channels, int height, int width, Normalize normalize) {
        return new ImagePreprocessing(channels, height, width, normalize).pixels(source);
    }
}
