package dev.cortado.cli;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Small learnable datasets written in the real file formats, for the command's tests. */
final class TinyData {
    private TinyData() {
    }

    /**
     * An IDX directory of n training and n/4 test 28×28 images in 10 classes: class c is a bright
     * horizontal band at rows 2c..2c+4 plus noise, which a small network separates within an epoch.
     */
    static Path idx(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        write(dir, "train", n, 1);
        write(dir, "t10k", Math.max(10, n / 4), 2);
        return dir;
    }

    private static void write(Path dir, String prefix, int n, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] images = new byte[n * 28 * 28];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = i % 10;
            labels[i] = (byte) c;
            for (int p = 0; p < 28 * 28; p++) {
                int row = p / 28;
                int v = random.nextInt(60) + (row >= 2 * c && row < 2 * c + 5 ? 180 : 0);
                images[i * 28 * 28 + p] = (byte) Math.min(255, v);
            }
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")))) {
            out.writeInt(0x803);
            out.writeInt(n);
            out.writeInt(28);
            out.writeInt(28);
            out.write(images);
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            out.writeInt(0x801);
            out.writeInt(n);
            out.write(labels);
        }
    }

    /**
     * An image folder of grey 16×16 PNGs in {@code classes} classes, {@code perClass} training and
     * {@code perClass / 4} (at least 2) test images each, under train/ and test/: class c is a bright
     * vertical band at columns 4c..4c+3 plus noise.
     */
    static Path imageFolder(Path dir, int classes, int perClass) throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        for (String split : new String[] {"train", "test"}) {
            int n = split.equals("train") ? perClass : Math.max(2, perClass / 4);
            for (int c = 0; c < classes; c++) {
                Path folder = Files.createDirectories(dir.resolve(split).resolve("class" + c));
                for (int i = 0; i < n; i++) {
                    BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
                    for (int y = 0; y < 16; y++) {
                        for (int x = 0; x < 16; x++) {
                            int v = random.nextInt(70) + (x / 4 == c % 4 ? 170 : 0);
                            image.getRaster().setSample(x, y, 0, Math.min(255, v));
                        }
                    }
                    ImageIO.write(image, "png", folder.resolve("img" + i + ".png").toFile());
                }
            }
        }
        return dir;
    }

    /**
     * A 3×32×32 image as CIFAR stores it (CHW bytes): band {@code band} (0..9) is bright in rows
     * 3·band..3·band+2 of every channel, over noise; a dense layer on the pixels separates the bands.
     */
    static byte[] bandPixels(int band, SplittableRandom random) {
        byte[] chw = new byte[3 * 32 * 32];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 32 * 32; p++) {
                int row = p / 32;
                int v = random.nextInt(60) + (row >= 3 * band && row < 3 * band + 3 ? 180 : 0);
                chw[c * 32 * 32 + p] = (byte) Math.min(255, v);
            }
        }
        return chw;
    }

    /**
     * An image folder {@code dir/<class>/<i>.png} of {@code perClass} RGB images per class of
     * {@code classes}; each class's band is its index in {@code classes}. Images come from
     * {@code seed} in class-then-index order, the order {@link #cifar10} draws them in.
     */
    static Path imageFolder(Path dir, List<String> classes, int perClass, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        for (int c = 0; c < classes.size(); c++) {
            Path folder = Files.createDirectories(dir.resolve(classes.get(c)));
            for (int i = 0; i < perClass; i++) {
                writePng(folder.resolve(i + ".png"), bandPixels(c, random));
            }
        }
        return dir;
    }

    /**
     * CIFAR-10 binaries of the images {@link #imageFolder} would write for {@code classes} with the
     * same seed, but labelled in {@code labelOrder} (which batches.meta.txt lists): the same pictures
     * under another label numbering. Every batch file holds the same records.
     */
    static Path cifar10(Path dir, List<String> classes, List<String> labelOrder, int perClass, long seed)
            throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(seed);
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (int c = 0; c < classes.size(); c++) {
            for (int i = 0; i < perClass; i++) {
                int label = labelOrder.indexOf(classes.get(c));
                records.write(label < 0 ? 0 : label);
                records.write(bandPixels(c, random));
            }
        }
        for (int b = 1; b <= 5; b++) {
            Files.write(dir.resolve("data_batch_" + b + ".bin"), records.toByteArray());
        }
        Files.write(dir.resolve("test_batch.bin"), records.toByteArray());
        Files.writeString(dir.resolve("batches.meta.txt"), String.join("\n", labelOrder) + "\n",
                StandardCharsets.UTF_8);
        return dir;
    }

    private static void writePng(Path file, byte[] chw) throws IOException {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        int plane = 32 * 32;
        for (int p = 0; p < plane; p++) {
            int rgb = (chw[p] & 0xFF) << 16 | (chw[plane + p] & 0xFF) << 8 | chw[2 * plane + p] & 0xFF;
            image.setRGB(p % 32, p / 32, rgb);
        }
        ImageIO.write(image, "png", file.toFile());
    }

    /** A model config for 3×32×32 images: flatten and one dense layer of {@code $classes} units. */
    static Path linearRgbModel(Path file) throws IOException {
        Files.writeString(file, """
                model: linear-rgb
                input: [3, 32, 32]
                vars:
                  classes: 10
                layers:
                  - {type: flatten, name: flat}
                  - {type: dense, name: fc, units: $classes}
                """);
        return file;
    }
}
