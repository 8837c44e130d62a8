package dev.cortado.cli;

import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.Batch;
import dev.cortado.data.DataLoader;
import dev.cortado.data.Dataset;
import java.util.Arrays;

/**
 * The input pipeline alone, as {@code cortado benchmark --loader} measures it: a {@link DataLoader}
 * with the training augmentations, read as fast as it delivers and nothing done with the batches.
 * Images per second over several timed runs of a number of batches each, after a warm-up of at least
 * a few seconds and at least one epoch (so that an image folder's files are in the page cache and the
 * JIT has compiled the resampling loops); the median is the figure.
 */
final class LoaderBenchmark {
    /** Images per second of each timed run, and their median. */
    record Result(double medianImagesPerSecond, double[] runs) {
    }

    private LoaderBenchmark() {
    }

    static Result measure(Dataset data, AugmentationPipeline pipeline, int batchSize, int workers, int batchesPerRun,
                          int runs, double warmupSeconds, long seed) {
        try (DataLoader loader = DataLoader.builder(data).batchSize(batchSize).seed(seed).augmentation(pipeline)
                .workers(workers).build()) {
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            do {
                for (Batch b : loader.epoch()) {
                    b.size();
                }
            } while (System.nanoTime() < warmupEnd);
            double[] rates = new double[runs];
            for (int r = 0; r < runs; r++) {
                long images = 0;
                long start = System.nanoTime();
                for (int i = 0; i < batchesPerRun; i++) {
                    images += loader.next().size();
                }
                rates[r] = images / ((System.nanoTime() - start) / 1e9);
            }
            double[] sorted = rates.clone();
            Arrays.sort(sorted);
            double median = runs % 2 == 1 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
            return new Result(median, rates);
        }
    }
}
