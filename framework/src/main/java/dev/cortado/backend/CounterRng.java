package dev.cortado.backend;

/**
 * A counter-based random number generator: the value for (seed, index) is a pure hash, so any
 * element can be drawn independently, in parallel, on any device, with the same result. The mixing
 * function is SplitMix64's finalizer (Steele, Lea and Flood 2014); the CUDA dropout kernel uses the
 * same constants.
 */
public final class CounterRng {
    /**
     * Mixed into the run's seed before a stream of draws is derived from it (dropout masks per
     * iteration, augmentations per sample), so that those streams stay apart from the weights'
     * initializer, which hashes the unsalted seed with each parameter's name. Any fixed constant
     * would do; this is java.util.Random's multiplier.
     */
    public static final long STREAM_SALT = 0x5DEECE66DL;

    private CounterRng() {
    }

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    public static long hash(long seed, long index) {
        long z = seed + (index + 1) * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The seed whose stream starts {@code count} draws into the stream of {@code seed}:
     * {@code hash(skip(seed, count), i) == hash(seed, count + i)} for every i, because the index enters
     * the hash only as {@code seed + (index + 1)·γ} (mod 2⁶⁴). A data-parallel replica that holds rows
     * from {@code first} on draws its dropout mask with it, so the mask of a sample depends on its place in
     * the global batch and not on how the batch was split.
     */
    public static long skip(long seed, long count) {
        return seed + count * GOLDEN_GAMMA;
    }

    /** A float in [0, 1) with 24 random bits. */
    public static float uniform(long seed, long index) {
        return (hash(seed, index) >>> 40) * 0x1.0p-24f;
    }
}
