package dev.cortado.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Loader throughput in images per second over Fashion-MNIST's training set (or a synthetic 60,000×784
 * set when the real one is absent), without and with augmentation. Run as a main class, not a test:
 * {@code java -cp ... dev.cortado.data.DataLoaderBenchmark [idx-directory]}.
 */
public final class DataLoaderBenchmark {
    private DataLoaderBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist");
        Dataset train;
        if (IdxDataset.looksLikeIdx(dir)) {
            train = IdxDataset.openDirectory(dir).train();
        } else {
            byte[] pixels = new byte[60_000 * 784];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) (i * 31);
            }
            train = new ByteImageDataset("synthetic", new SampleShape(1, 28, 28), pixels, new byte[60_000], 10, null);
        }
        measure("plain", train, AugmentationPipeline.identity());
        measure("normalize", train, AugmentationPipeline.of(Normalize.FASHION_MNIST));
        measure("crop+flip+normalize", train,
                AugmentationPipeline.of(new RandomCrop(28, 28, 2), HorizontalFlip.half(), Normalize.FASHION_MNIST));
        measure("rotate15+normalize", train, AugmentationPipeline.of(RandomRotation.upTo(15), Normalize.FASHION_MNIST));
    }

    private static void measure(String name, Dataset data, AugmentationPipeline pipeline) {
        try (DataLoader loader = DataLoader.builder(data).batchSize(64).seed(1).augmentation(pipeline).build()) {
            for (Batch b : loader.epoch()) {
                b.size(); // warm-up epoch
            }
            long start = System.nanoTime();
            long images = 0;
            for (int e = 0; e < 3; e++) {
                for (Batch b : loader.epoch()) {
                    images += b.size();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%-22s %,12.0f img/s%n", name, images / seconds);
        }
    }
}
