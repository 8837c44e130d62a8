package dev.cortado.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Saves {@code last.safetensors} at the end of every epoch and {@code best.safetensors} whenever the
 * validation top-1 accuracy improves. Each write is atomic, and a diverged step throws before any
 * listener runs, so a diverged state is never saved over a good one. The best accuracy is saved in
 * the checkpoints, so a resumed run replaces {@code best.safetensors} only with a better model. Add
 * this listener after those whose state (see {@link TrainingListener#checkpointState()}) it saves.
 */
public final class CheckpointSaver implements TrainingListener {
    private static final Logger LOG = LogManager.getLogger(CheckpointSaver.class);
    static final String BEST_ACCURACY_KEY = "checkpoints.best_accuracy";

    private final Path directory;
    /** Also save {@code last.safetensors} every this many iterations (0: only at epoch ends). */
    private final long everyIterations;
    private double bestAccuracy = Double.NEGATIVE_INFINITY;
    private Path lastSaved;

    public CheckpointSaver(Path directory) {
        this(directory, 0);
    }

    /** Saving also every {@code everyIterations} iterations inside epochs, so a crash loses less. */
    public CheckpointSaver(Path directory, long everyIterations) {
        if (everyIterations < 0) {
            throw new IllegalArgumentException("checkpoint interval must be >= 0 iterations, got " + everyIterations);
        }
        this.directory = directory;
        this.everyIterations = everyIterations;
    }

    @Override
    public void onIterationEnd(Trainer trainer, IterationResult result) {
        if (everyIterations > 0 && trainer.iteration() % everyIterations == 0 && trainer.position().batch() != 0) {
            try {
                saveLast(trainer);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a checkpoint in " + directory + ": " + e.getMessage(), e);
            }
        }
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

    /** Saves the state now, mid-epoch (a run stopped by a signal), as {@code last.safetensors}. */
    public void saveLast(Trainer trainer) throws IOException {
        Files.createDirectories(directory);
        trainer.saveCheckpoint(last());
        lastSaved = last();
    }

    @Override
    public Map<String, String> checkpointState() {
        return bestAccuracy == Double.NEGATIVE_INFINITY ? Map.of() : Map.of(BEST_ACCURACY_KEY, Double.toString(bestAccuracy));
    }

    @Override
    public void restoreState(Map<String, String> metadata) {
        String best = metadata.get(BEST_ACCURACY_KEY);
        bestAccuracy = best == null ? Double.NEGATIVE_INFINITY : Double.parseDouble(best);
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochResult result) {
        try {
            Files.createDirectories(directory);
            boolean improved = result.validation() != null && result.validation().top1() > bestAccuracy;
            if (improved) {
                bestAccuracy = result.validation().top1();
            }
            trainer.saveCheckpoint(last());
            lastSaved = last();
            if (improved) {
                trainer.saveCheckpoint(best());
            }
            LOG.debug("saved checkpoint {} after epoch {}", last(), result.epoch() + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint in " + directory + ": " + e.getMessage(), e);
        }
    }
}
