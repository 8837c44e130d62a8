package dev.cortado.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits an index range into one contiguous chunk per thread. The caller runs the first chunk
 * itself; a loop started from inside a worker runs serially, so nested parallel ops cannot deadlock.
 *
 * <p>A training step issues hundreds of loops of a few to a few hundred microseconds each, so the
 * hand-off must cost far less than that (an executor queue and a latch cost 10-50 µs per call once
 * the worker has gone to sleep). As in OpenMP runtimes, each worker polls a job counter for
 * {@link #SPIN_NANOS} after its last job before it parks, and the caller waits for the chunks by
 * polling too; a parked worker is unparked by the next job. Chunks are claimed by whichever thread
 * comes first (see {@link Job}), but their boundaries depend only on the count, the grain and the
 * thread count, never on timing, so results stay deterministic.
 */
public final class ParallelLoop implements AutoCloseable {
    /** The body of a loop over [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** How long an idle worker keeps polling for the next job before it parks: longer than the gaps in a step. */
    static final long SPIN_NANOS = 200_000;
    /** How long the caller polls for unfinished chunks before it yields its core between polls. */
    private static final long WAIT_SPIN_NANOS = 50_000;

    private final int threads;
    private final Worker[] workers;
    /** Serializes jobs: a second thread calling in while a job runs gets a serial loop. */
    private final ReentrantLock running = new ReentrantLock();
    private final AtomicInteger unfinished = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ThreadLocal<Boolean> insideWorker = ThreadLocal.withInitial(() -> false);
    /** The latest job; a worker compares its number with the last one it saw. */
    private volatile Job job = new Job(0, null, 0, 0, new AtomicInteger());
    private volatile boolean closed;

    public ParallelLoop(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs body over [0, count) in at most {@link #threads()} chunks of at least {@code grain} indices. */
    public void forRange(int count, int grain, Range body) {
        int chunks = Math.min(threads, Math.max(1, count / Math.max(1, grain)));
        if (chunks <= 1 || closed || insideWorker.get() || !running.tryLock()) {
            if (count > 0) {
                body.run(0, count);
            }
            return;
        }
        try {
            runJob(count, chunks, body);
        } finally {
            running.unlock();
        }
    }

    /**
     * One call's loop, published whole so a worker never mixes the fields of two calls. Chunks 1 and
     * up are claimed from {@code next} by whichever thread gets there first, the caller included once
     * its own chunk is done: a worker that the OS has descheduled (other processes share the cores) or
     * that is still waking from a park then costs nothing. Who runs a chunk never changes its bounds.
     */
    private record Job(long number, Range body, int count, int chunks, AtomicInteger next) {
        /** Claims and runs chunks until none is left; returns how many this thread ran. */
        int runClaimed(AtomicReference<Throwable> failure) {
            int ran = 0;
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    body.run(chunkStart(count, chunks, c), chunkStart(count, chunks, c + 1));
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
                ran++;
            }
            return ran;
        }
    }

    private void runJob(int count, int chunks, Range body) {
        failure.set(null);
        unfinished.set(chunks - 1);
        Job current = new Job(job.number() + 1, body, count, chunks, new AtomicInteger(1));
        job = current;
        for (int w = 0; w < chunks - 1; w++) {
            Worker worker = workers[w];
            if (worker.parked) {
                LockSupport.unpark(worker);
            }
        }
        // The caller's own chunk counts as inside a worker too: a nested loop started from it would
        // otherwise wait for workers that are busy with this job's chunks.
        insideWorker.set(true);
        try {
            body.run(0, chunkStart(count, chunks, 1));
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
        try {
            unfinished.addAndGet(-current.runClaimed(failure));
        } finally {
            insideWorker.set(false);
        }
        awaitChunks();
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException("CPU worker failed", t);
        }
    }

    private void awaitChunks() {
        long start = System.nanoTime();
        while (unfinished.get() > 0) {
            if (System.nanoTime() - start < WAIT_SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private static int chunkStart(int count, int chunks, int c) {
        return (int) ((long) count * c / chunks);
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    /** Claims chunks of every job that has more chunks than this worker's index. */
    private final class Worker extends Thread {
        private final int index;
        volatile boolean parked;

        Worker(int index) {
            super("cortado-cpu-" + index);
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            insideWorker.set(true);
            // Job 0 is the placeholder; a job published before this thread got here is still due.
            long seen = 0;
            while (!closed) {
                Job next = awaitJob(seen);
                if (next.number() == seen) {
                    continue;
                }
                seen = next.number();
                if (index >= next.chunks()) {
                    continue;
                }
                int ran = next.runClaimed(failure);
                if (ran > 0) {
                    unfinished.addAndGet(-ran);
                }
            }
        }

        /** The job once its number differs from {@code seen} (or on close): polls, then parks. */
        private Job awaitJob(long seen) {
            long start = System.nanoTime();
            while (true) {
                Job current = job;
                if (current.number() != seen || closed) {
                    return current;
                }
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                // Re-check after announcing the park: a job published before the flag was set is seen here,
                // one published after it finds the flag and unparks this thread.
                if (job.number() == seen && !closed) {
                    LockSupport.park(this);
                }
                parked = false;
            }
        }
    }
}
