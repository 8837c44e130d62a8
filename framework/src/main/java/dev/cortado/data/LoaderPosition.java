package dev.cortado.data;

/**
 * Where a {@link DataLoader} stands: the epoch and the index within it of the next batch it will
 * deliver. Saved in checkpoints so a resumed run continues with exactly the batches an uninterrupted
 * one would have seen.
 */
public record LoaderPosition(int epoch, int batch) {
    public LoaderPosition {
        if (epoch < 0 || batch < 0) {
            throw new IllegalArgumentException("loader position must be non-negative, got epoch " + epoch
                    + " batch " + batch);
        }
    }

    public static final LoaderPosition START = new LoaderPosition(0, 0);
}
