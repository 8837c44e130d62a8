package dev.cortado.train;

/** What the trainer does when a loss or gradient norm is NaN or infinite. */
public enum DivergencePolicy {
    /** Stop with a {@link DivergenceException} naming the iteration and the learning rate. */
    STOP,
    /** Skip the update for this batch, log a warning, and go on. */
    SKIP_BATCH
}
