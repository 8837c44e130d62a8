package dev.cortado.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Whether image files can be read, before any batch needs them. The header check asks the ImageIO
 * reader that recognises the file's signature for the first image's width and height, which reads a
 * few hundred bytes (PNG's IHDR chunk, JPEG's markers up to the frame header), so thousands of files
 * take a moment; it finds files that are not images at all, of a format ImageIO lacks, or cut short in
 * their header. Only the full check, which decodes every pixel, finds a file truncated in its data.
 */
public final class ImageFileCheck {
    /** A file that cannot be read, and why. */
    public record Problem(Path file, String reason) {
        @Override
        public String toString() {
            return file + ": " + reason;
        }
    }

    private ImageFileCheck() {
    }

    /**
     * The problems of {@code files}, in their order; empty when all are readable. The files are read
     * in parallel: each check has its own stream and reader. About 0.1 ms a file for the header check
     * on one busy core, so a few thousand images take well under a second.
     */
    public static List<Problem> check(List<Path> files, boolean fullDecode) {
        return files.parallelStream().map(f -> check(f, fullDecode)).filter(Objects::nonNull).toList();
    }

    /** Why {@code file} cannot be read as an image, or null when it can (its header, or every pixel). */
    public static Problem check(Path file, boolean fullDecode) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return new Problem(file, "cannot be opened");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return new Problem(file, "not an image: its first bytes are the signature of no format ImageIO reads"
                        + " (PNG, JPEG, BMP, GIF)");
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toUpperCase(Locale.ROOT);
            try {
                reader.setInput(in, true, true);
                int width;
                int height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    return new Problem(file, "unreadable " + format + " header (" + describe(e) + ")");
                }
                if (width < 1 || height < 1) {
                    return new Problem(file, "declares an empty " + width + "×" + height + " " + format + " image");
                }
                if (fullDecode) {
                    try {
                        reader.read(0);
                    } catch (IOException | RuntimeException e) {
                        return new Problem(file, "cannot be decoded as " + format + " (" + describe(e) + ")");
                    }
                }
                return null;
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            return new Problem(file, "cannot be read (" + describe(e) + ")");
        }
    }

    /** The exception's message with its cause's, which carries the detail (ImageIO wraps the zlib error). */
    static String describe(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += ": " + cause.getMessage();
        }
        return message;
    }
}
