import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes a folder of synthetic JPEGs in class subfolders, for input-pipeline benchmarks: each image a
 * smooth random colour field with noise and a few ellipses, so that decoding costs about what it costs
 * on photographs (flat images decode several times faster). Deterministic per seed, written by all
 * cores. Runs with any Java 11+ that has java.desktop, from source (or compiled, for a bare runtime):
 *
 * <pre>
 *   java benchmarks/data/MakeImages.java OUT [count=200] [classes=2] [WIDTHxHEIGHT=500x375] [seed=0]
 * </pre>
 */
public final class MakeImages {
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: java MakeImages.java OUT [count=200] [classes=2] [WIDTHxHEIGHT=500x375] [seed=0]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int classes = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String[] size = (args.length > 3 ? args[3] : "500x375").toLowerCase().split("x");
        int width = Integer.parseInt(size[0]);
        int height = Integer.parseInt(size[1]);
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 0;
        for (int c = 0; c < classes; c++) {
            Files.createDirectories(out.resolve("class" + c));
        }
        // One generator per image, so that the files do not depend on the threads that write them.
        IntStream.range(0, count).parallel().forEach(i -> {
            Path file = out.resolve("class" + (i % classes)).resolve(String.format("%06d.jpg", i));
            try {
                write(image(new Random(seed * 1_000_003L + i), width, height), file);
            } catch (IOException e) {
                throw new UncheckedIOException(file.toString(), e);
            }
        });
        System.out.printf("%d JPEGs of %dx%d in %d class folders under %s%n", count, width, height, classes, out);
    }

    static void write(BufferedImage image, Path file) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        Files.deleteIfExists(file);
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    static BufferedImage image(Random random, int width, int height) {
        // A coarse random grid upsampled bicubically: colour regions like a photograph's.
        BufferedImage coarse = new BufferedImage(width / 32 + 2, height / 32 + 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < coarse.getHeight(); y++) {
            for (int x = 0; x < coarse.getWidth(); x++) {
                coarse.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(coarse, 0, 0, width, height, null);
        for (int e = 0; e < 6; e++) {
            g.setColor(new Color(random.nextInt(1 << 24)));
            g.fillOval(random.nextInt(width), random.nextInt(height), 10 + random.nextInt(width / 3),
                    10 + random.nextInt(height / 3));
        }
        g.dispose();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                int r = noisy(rgb >> 16, random);
                int gr = noisy(rgb >> 8, random);
                int b = noisy(rgb, random);
                image.setRGB(x, y, r << 16 | gr << 8 | b);
            }
        }
        return image;
    }

    private static int noisy(int channel, Random random) {
        return Math.max(0, Math.min(255, (channel & 0xFF) + (int) Math.round(random.nextGaussian() * 12)));
    }
}
