package dev.cortado.data;

/**
 * The random stream one sample's augmentations draw from. The loader re-seeds it for every sample
 * from (seed, epoch, sample index), so a sample's crop, flip and angle do not depend on which thread,
 * batch or position it lands in, and a resumed run draws exactly what an uninterrupted one would.
 * SplitMix64 (Steele, Lea and Flood 2014); mutable and reused so the loader allocates nothing per sample.
 */
public final class SampleRandom {
    private long state;

    public SampleRandom(long seed) {
        this.state = seed;
    }

    /** Restarts the stream at {@code seed}. */
    public void reset(long seed) {
        this.state = seed;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [lo, hi); exactly lo when lo == hi. */
    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /** Uniform integer in [0, bound), bound > 0; Lemire's multiply-shift, bias below 2^-32 for small bounds. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** True with probability p. */
    public boolean nextBoolean(double p) {
        return nextDouble() < p;
    }
}
