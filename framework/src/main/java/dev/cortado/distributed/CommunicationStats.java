package dev.cortado.distributed;

/**
 * What data-parallel communication has cost so far.
 *
 * @param allReduceNanos the transport's all-reduce time: each all-reduce from the moment its last rank
 *                       started it to its completion, summed
 * @param exposedNanos   per step, the time from the end of the backward computation of the replica that
 *                       finished it last to the end of its all-reduces, summed: the communication backward
 *                       did not hide
 * @param buckets        gradient buckets per step
 */
public record CommunicationStats(long allReduceNanos, long exposedNanos, int buckets) {

    /** The change from {@code earlier} to this (a timed window of a benchmark). */
    public CommunicationStats since(CommunicationStats earlier) {
        return new CommunicationStats(allReduceNanos - earlier.allReduceNanos, exposedNanos - earlier.exposedNanos,
                buckets);
    }

    /**
     * The fraction of the all-reduce time hidden behind backward: 1 − exposed / all-reduce time, within [0, 1];
     * NaN when nothing was all-reduced. On CPUs the all-reduces run on the replicas' own cores, so what is
     * hidden still costs compute; on GPUs they run on communication streams and copy engines.
     */
    public double hiddenFraction() {
        if (allReduceNanos <= 0) {
            return Double.NaN;
        }
        return Math.max(0, Math.min(1, 1 - (double) exposedNanos / allReduceNanos));
    }
}
