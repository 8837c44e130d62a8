package dev.cortado.distributed;

/**
 * What data-parallel communication has cost so far.
 *
 * @param allReduceNanos the transport's all-reduce time: each all-reduce from the moment its last rank
 *                       started it to its completion, summed
 * @param waitNanos      per replica, the time its step waited for all-reduces after its backward pass:
 *                       the communication that backward did not hide
 * @param buckets        gradient buckets per step
 */
public record CommunicationStats(long allReduceNanos, long[] waitNanos, int buckets) {

    /** The mean over replicas of {@link #waitNanos()}. */
    public double meanWaitNanos() {
        if (waitNanos.length == 0) {
            return 0;
        }
        double sum = 0;
        for (long w : waitNanos) {
            sum += w;
        }
        return sum / waitNanos.length;
    }

    /** The change from {@code earlier} to this (a timed window of a benchmark). */
    public CommunicationStats since(CommunicationStats earlier) {
        long[] w = waitNanos.clone();
        for (int r = 0; r < w.length && r < earlier.waitNanos.length; r++) {
            w[r] -= earlier.waitNanos[r];
        }
        return new CommunicationStats(allReduceNanos - earlier.allReduceNanos, w, buckets);
    }

    /**
     * The fraction of the all-reduce time hidden behind backward: 1 − wait / all-reduce time, within [0, 1];
     * NaN when nothing was all-reduced.
     */
    public double hiddenFraction() {
        if (allReduceNanos <= 0) {
            return Double.NaN;
        }
        return Math.max(0, Math.min(1, 1 - meanWaitNanos() / allReduceNanos));
    }
}
