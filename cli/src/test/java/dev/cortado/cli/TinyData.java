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

}
