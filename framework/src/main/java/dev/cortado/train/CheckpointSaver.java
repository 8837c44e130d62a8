package dev.cortado.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Saves {@code last.safetensors} at the end of every epoch and {@code best.safetensors} whenever the
 * validation top-1 accuracy improves. Each write is atomic, and a diverged step throws before any
 * listener runs, so a diverged state is never saved over a good one.
 */
public final class CheckpointSaver implements TrainingListener {
    private static final Logger LOG = LogManager.getLogger(CheckpointSaver.class);

    private final Path directory;
    private double bestAccuracy = Double.NEGATIVE_INFINITY;
    private Path lastSaved;

    public CheckpointSaver(Path directory) {
        this.directory = directory;
    }

    public Path last() {
        return directory.resolve("last.safetensors");
    }

    public Path best() {
        return directory.resolve("best.safetensors");
    }

    /** The best validation top-1 accuracy saved so far, NaN before any validation. */
    public double bestAccuracy() {
        return bestAccuracy == Double.NEGATIVE_INFINITY ? Double.NaN : bestAccuracy;
    }

    /** The most recent file written, or null before the first epoch ends. */
    public Path lastSaved() {
        return lastSaved;
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochResult result) {
        try {
            Files.createDirectories(directory);
            trainer.saveCheckpoint(last());
            lastSaved = last();
            if (result.validation() != null && result.validation().top1() > bestAccuracy) {
                bestAccuracy = result.validation().top1();
                trainer.saveCheckpoint(best());
            }
            LOG.debug("saved checkpoint {} after epoch {}", last(), result.epoch() + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint in " + directory + ": " + e.getMessage(), e);
        }
    }
}
