package dev.cortado.distributed;

import dev.cortado.nn.Network;
import dev.cortado.nn.Parameter;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One replica's gradient buckets during a backward pass: told by the network's {@link Network.GradientHook}
 * which gradients are final, it starts each bucket's all-reduce as soon as the bucket is complete, and
 * {@link #awaitAll()} waits for the last. Buckets start strictly in bucket order, so every rank issues the
 * same sequence of operations whatever the timing (a collective's first requirement). Nothing here
 * allocates per step.
 */
final class GradientBuckets implements Network.GradientHook {
    /**
     * The replicas' shared account of exposed communication: per step, the least time from the end of a
     * replica's backward computation to the end of its all-reduces — that of the replica that finished
     * backward last, which waits for nobody.
     */
    static final class Exposure {
        private final long[] perReplica;
        private final AtomicInteger reported = new AtomicInteger();
        private final AtomicLong total = new AtomicLong();

        Exposure(int replicas) {
            perReplica = new long[replicas];
        }

        void report(int replica, long nanos) {
            perReplica[replica] = nanos;
            if (reported.incrementAndGet() == perReplica.length) {
                long least = Long.MAX_VALUE;
                for (long e : perReplica) {
                    least = Math.min(least, e);
                }
                total.addAndGet(least);
                reported.set(0);
            }
        }

        /** Summed over steps. */
        long nanos() {
            return total.get();
        }
    }

    private final Collective collective;
    private final Exposure exposure;
    private final BucketPlan plan;
    private final List<List<Tensor>> gradients;
    private final int[] pending;
    private final Work[] works;
    private int nextToStart;
    /** When backward last reported gradients: the end of its computation, before the last bucket starts. */
    private long computeEndNanos;

    GradientBuckets(List<Parameter> parameters, BucketPlan plan, Collective collective, Exposure exposure) {
        this.collective = collective;
        this.exposure = exposure;
        this.plan = plan;
        this.gradients = new ArrayList<>(plan.buckets());
        for (int b = 0; b < plan.buckets(); b++) {
            List<Tensor> bucket = new ArrayList<>();
            for (int p : plan.parametersOf(b)) {
                bucket.add(parameters.get(p).gradient());
            }
            gradients.add(List.copyOf(bucket));
        }
        this.pending = new int[plan.buckets()];
        this.works = new Work[plan.buckets()];
        begin();
    }

    /** Arms the buckets for a backward pass: none complete, none started. */
    void begin() {
        System.arraycopy(plan.sizes(), 0, pending, 0, pending.length);
        nextToStart = 0;
    }

    @Override
    public void gradientsReady(int first, int count) {
        computeEndNanos = System.nanoTime();
        for (int p = first; p < first + count; p++) {
            pending[plan.bucketOf()[p]]--;
        }
        startCompleteBuckets();
    }

    /** Marks every gradient final without a backward pass (a replica without rows contributes zeros). */
    void allReady() {
        computeEndNanos = System.nanoTime();
        java.util.Arrays.fill(pending, 0);
        startCompleteBuckets();
    }

    private void startCompleteBuckets() {
        while (nextToStart < pending.length && pending[nextToStart] == 0) {
            works[nextToStart] = collective.allReduce(gradients.get(nextToStart));
            nextToStart++;
        }
    }

    /** Waits until every bucket's all-reduce has completed; the gradients then hold the sums. */
    void awaitAll() {
        if (nextToStart != pending.length) {
            throw new IllegalStateException("backward left gradient bucket " + nextToStart + " of " + pending.length
                    + " incomplete; every parameter's gradient must be written by exactly one node");
        }
        for (Work w : works) {
            w.await();
        }
        exposure.report(collective.rank(), System.nanoTime() - computeEndNanos);
    }

    int buckets() {
        return pending.length;
    }
}
