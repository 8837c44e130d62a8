package dev.cortado.infer;

import dev.cortado.data.DatasetFormatException;
import dev.cortado.data.ImageFileCheck;
import dev.cortado.data.Normalize;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Turns an image into a network input of {@code channels × height × width} normalized floats: resized
 * bilinearly, converted to grey or RGB, scaled to [0, 1] and standardized by {@code normalize} (null:
 * left in [0, 1]). {@link Classifier} and {@code cortado predict} both prepare images here, so a
 * model sees the same numbers whichever one calls it.
 */
public record ImagePreprocessing(int channels, int height, int width, Normalize normalize) {
    public ImagePreprocessing {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 (grey) or 3 (RGB) channels; this model takes "
                    + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
        if (normalize != null && normalize.mean().length != channels) {
            throw new IllegalArgumentException("normalization has statistics for " + normalize.mean().length
                    + " channel(s) but the model takes " + channels);
        }
    }

    /** Floats per image. */
    public int sampleSize() {
        return channels * height * width;
    }

    /** Reads a PNG, JPEG or other image ImageIO can decode. */
    public static BufferedImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such image file");
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
            throw new DatasetFormatException(file, "not an image ImageIO can read; pass PNG or JPEG files");
        }
        return img;
    }

    /** The image as CHW floats, see the class comment. */
    public float[] pixels(BufferedImage source) {
        float[] out = new float[sampleSize()];
        pixels(source, out, 0);
        return out;
    }

    /**
     * Writes the image's CHW floats into {@code out} from {@code offset}. Grey sources are scaled and
     * read as grey (converting through sRGB would brighten them); colour sources as RGB, reduced to
     * BT.601 luma for a one-channel model.
     */
    public void pixels(BufferedImage source, float[] out, int offset) {
        boolean grey = source.getColorModel().getNumComponents() == 1;
        BufferedImage img = new BufferedImage(width, height, grey ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(source, 0, 0, width, height, null);
        g.dispose();
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = offset + y * width + x;
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
        if (normalize == null) {
            return;
        }
        float[] mean = normalize.mean();
        float[] std = normalize.std();
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < plane; p++) {
                int i = offset + c * plane + p;
                out[i] = (out[i] - mean[c]) / std[c];
            }
        }
    }
}
