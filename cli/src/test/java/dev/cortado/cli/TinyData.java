package dev.cortado.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
     * CIFAR-10 binary batches (label byte, then 3072 bytes R, G, B planes): class c has a bright
     * square in cell c of a 4×3 grid of its colour plane c % 3, plus noise.
     */
    static Path cifar10(Path dir, int perBatch) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(5);
        for (int b = 1; b <= 6; b++) {
            String name = b <= 5 ? "data_batch_" + b + ".bin" : "test_batch.bin";
            try (OutputStream out = Files.newOutputStream(dir.resolve(name))) {
                for (int i = 0; i < perBatch; i++) {
                    int c = random.nextInt(10);
                    byte[] record = new byte[1 + 3072];
                    record[0] = (byte) c;
                    for (int p = 0; p < 3072; p++) {
                        int plane = p / 1024;
                        int y = (p % 1024) / 32;
                        int x = p % 32;
                        boolean square = plane == c % 3 && y / 8 == c / 4 && x / 8 == c % 4;
                        record[1 + p] = (byte) (random.nextInt(80) + (square ? 170 : 0));
                    }
                    out.write(record);
                }
            }
        }
        return dir;
    }
}
