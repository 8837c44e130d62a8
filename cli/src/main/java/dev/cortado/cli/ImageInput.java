package dev.cortado.cli;

import dev.cortado.data.DatasetFormatException;
import dev.cortado.data.IdxFile;
import dev.cortado.data.ImageFileCheck;
import dev.cortado.data.Normalize;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

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
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            // ImageIO's message ("Error reading PNG image data") names no file; the check says what is wrong.
            ImageFileCheck.Problem problem = ImageFileCheck.check(file, true);
            throw new DatasetFormatException(file, (problem != null ? problem.reason() : "cannot be decoded ("
                    + e.getMessage() + ")") + "; the file is damaged or truncated: replace it or leave it out", e);
        }
        if (img == null) {
            throw new DatasetFormatException(file, "not an image ImageIO can read, nor an IDX images file; pass PNG or "
                    + "JPEG files or an IDX file such as t10k-images-idx3-ubyte.gz");
        }
        return new Sample(file.toString(), pixels(img, channels, height, width, normalize));
    }

    /**
     * CHW floats in [0, 1], resized to height×width, then normalized. Grey sources are scaled and read
     * as grey (converting through sRGB would brighten them); colour sources as RGB, reduced to BT.601
     * luma for a one-channel model.
     */
    static float[] pixels(BufferedImage source, int channels, int height, int width, Normalize normalize) {
        boolean grey = source.getColorModel().getNumComponents() == 1;
        BufferedImage img = new BufferedImage(width, height, grey ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(source, 0, 0, width, height, null);
        g.dispose();
        int plane = height * width;
        float[] out = new float[channels * plane];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                if (grey) {
                    float v = img.getRaster().getSample(x, y, 0) / 255f;
                    for (int c = 0; c < channels; c++) {
                        out[c * plane + p] = v;
                    }
                } else {
                    int rgb = img.getRGB(x, y);
                    float r = ((rgb >> 16) & 0xFF) / 255f;
                    float gr = ((rgb >> 8) & 0xFF) / 255f;
                    float b = (rgb & 0xFF) / 255f;
                    if (channels == 1) {
                        out[p] = 0.299f * r + 0.587f * gr + 0.114f * b;
                    } else {
                        out[p] = r;
                        out[plane + p] = gr;
                        out[2 * plane + p] = b;
                    }
                }
            }
        }
        float[] mean = normalize.mean();
        float[] std = normalize.std();
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < plane; p++) {
                out[c * plane + p] = (out[c * plane + p] - mean[c]) / std[c];
            }
        }
        return out;
    }
}
