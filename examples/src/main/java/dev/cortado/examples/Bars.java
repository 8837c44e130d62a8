package dev.cortado.examples;

import dev.cortado.data.ByteImageDataset;
import dev.cortado.data.Dataset;
import dev.cortado.data.SampleShape;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The tiny data set of the examples, made up so that they run in seconds without downloading
 * anything: grey 12×12 images of a bright bar at the top, bottom, left or right, on noise. In a
 * real program a {@link Dataset} comes from {@code ImageFolderDataset}, {@code IdxDataset} or
 * {@code CifarDataset}.
 */
public final class Bars {
    public static final List<String> CLASSES = List.of("top", "bottom", "left", "right");
    public static final int SIZE = 12;

    private Bars() {
    }

    /** {@code n} images, labelled in turn, with noise up to {@code noise} (of 255) under the bar's brightness. */
    public static Dataset dataset(int n, int noise, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[n * SIZE * SIZE];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % CLASSES.size());
            byte[] image = (byte[]) image(i % CLASSES.size(), noise, random).getRaster()
                    .getDataElements(0, 0, SIZE, SIZE, null);
            System.arraycopy(image, 0, pixels, i * SIZE * SIZE, SIZE * SIZE);
        }
        return new ByteImageDataset("bars", new SampleShape(1, SIZE, SIZE), pixels, labels, CLASSES.size(), CLASSES);
    }

    /** One image of class {@code label}. */
    public static BufferedImage image(int label, int noise, SplittableRandom random) {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                boolean bar = switch (label) {
                    case 0 -> y < 3;
                    case 1 -> y >= SIZE - 3;
                    case 2 -> x < 3;
                    default -> x >= SIZE - 3;
                };
                img.getRaster().setSample(x, y, 0, Math.min(255, random.nextInt(noise + 1) + (bar ? 150 : 0)));
            }
        }
        return img;
    }
}
