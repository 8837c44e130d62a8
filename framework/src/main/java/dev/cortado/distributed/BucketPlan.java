package dev.cortado.distributed;

import java.util.ArrayList;
import java.util.List;

/**
 * Which gradients travel together. As in PyTorch DDP's Reducer, parameters are taken in reverse order —
 * the order backward produces their gradients — and packed into buckets of at most {@code capBytes}, so
 * that the first bucket is complete early in backward and its all-reduce overlaps the rest. A parameter
 * larger than the cap gets a bucket of its own; a bucket is never empty, and no parameters means no
 * buckets.
 *
 * @param bucketOf for each parameter (in network order), its bucket; bucket 0 is the first complete
 * @param sizes    the parameters in each bucket
 * @param bytes    each bucket's size in bytes
 */
public record BucketPlan(int[] bucketOf, int[] sizes, long[] bytes) {

    /** Plans the buckets for parameters of these sizes in bytes, in network order. */
    public static BucketPlan of(long[] parameterBytes, long capBytes) {
        if (capBytes < 1) {
            throw new IllegalArgumentException("the gradient bucket size must be at least 1 byte, got " + capBytes);
        }
        int[] bucketOf = new int[parameterBytes.length];
        List<Integer> sizes = new ArrayList<>();
        List<Long> bytes = new ArrayList<>();
        int bucket = -1;
        long filled = 0;
        for (int p = parameterBytes.length - 1; p >= 0; p--) {
            long b = parameterBytes[p];
            if (b < 0) {
                throw new IllegalArgumentException("parameter " + p + " has a negative size: " + b);
            }
            if (bucket < 0 || (filled > 0 && filled + b > capBytes)) {
                bucket++;
                sizes.add(0);
                bytes.add(0L);
                filled = 0;
            }
            filled += b;
            bucketOf[p] = bucket;
            sizes.set(bucket, sizes.get(bucket) + 1);
            bytes.set(bucket, filled);
        }
        return new BucketPlan(bucketOf, sizes.stream().mapToInt(Integer::intValue).toArray(),
                bytes.stream().mapToLong(Long::longValue).toArray());
    }

    public int buckets() {
        return sizes.length;
    }

    /** The parameters of bucket {@code b}, in the order backward produces them (reverse network order). */
    public int[] parametersOf(int b) {
        int[] out = new int[sizes[b]];
        int i = 0;
        for (int p = bucketOf.length - 1; p >= 0; p--) {
            if (bucketOf[p] == b) {
                out[i++] = p;
            }
        }
        return out;
    }
}
