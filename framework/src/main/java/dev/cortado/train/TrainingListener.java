package dev.cortado.train;

import java.util.Map;

/**
 * Cross-cutting concerns of a training run (progress display, metrics log, checkpoints, early
 * stopping, plots) hook in here instead of being flags threaded through the loop.
 */
public interface TrainingListener {
    default void onTrainingStart(Trainer trainer) {
    }

    default void onIterationEnd(Trainer trainer, IterationResult result) {
    }

    /** A validation pass within an epoch (validation every N iterations); the epoch's own is in {@link EpochResult}. */
    default void onValidation(Trainer trainer, long iteration, EvaluationResult result) {
    }

    default void onEpochEnd(Trainer trainer, EpochResult result) {
    }

    /** Called once at the end, also when a listener stopped the run; not after an exception. */
    default void onTrainingEnd(Trainer trainer) {
    }

    /**
     * What this listener must remember across a resume (the best accuracy so far, the epochs without
     * improvement), as metadata entries saved in every checkpoint. Keys carry the listener's own
     * prefix, and must stay outside "cortado." and "optimizer.".
     */
    default Map<String, String> checkpointState() {
        return Map.of();
    }

    /** Takes back what {@link #checkpointState()} saved, from a resumed checkpoint's metadata. */
    default void restoreState(Map<String, String> metadata) {
    }
}
