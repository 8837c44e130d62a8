package dev.cortado.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

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
                    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(16, 16,
                            java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
                    for (int y = 0; y < 16; y++) {
                        for (int x = 0; x < 16; x++) {
                            int v = random.nextInt(70) + (x / 4 == c % 4 ? 170 : 0);
                            image.getRaster().setSample(x, y, 0, Math.min(255, v));
                        }
                    }
                    javax.imageio.ImageIO.write(image, "png", folder.resolve("img" + i + ".png").toFile());
                }
            }
        }
        return dir;
    }
}
