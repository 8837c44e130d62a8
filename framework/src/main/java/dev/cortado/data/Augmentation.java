package dev.cortado.data;

/**
 * One step of per-sample data augmentation on the host: reads a C×H×W sample and writes the
 * transformed sample, possibly of another size, to a separate array. Implementations are immutable
 * and draw all randomness from the given stream, so they are safe to share between loaders.
 */
public interface Augmentation {
    /** The shape this step produces from samples of shape {@code input}; fails if it cannot take them. */
    SampleShape outputShape(SampleShape input);

    /**
     * Writes the augmented {@code src} sample (shape {@code shape}, from {@code srcOffset}) into
     * {@code dst} from {@code dstOffset}. The two regions never overlap.
     */
    void apply(float[] src, int srcOffset, SampleShape shape, float[] dst, int dstOffset, SampleRandom random);
}
