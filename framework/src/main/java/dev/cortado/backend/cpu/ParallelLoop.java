package dev.cortado.backend.cpu;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Splits an index range into one contiguous chunk per thread. The caller runs the first chunk
 * itself; a loop started from inside a worker runs serially, so nested parallel ops cannot deadlock.
 */
public final class ParallelLoop implements AutoCloseable {
    /** The body of a loop over [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private final int threads;
    private final ExecutorService workers;
    private final ThreadLocal<Boolean> insideWorker = ThreadLocal.withInitial(() -> false);

    public ParallelLoop(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(() -> {
                insideWorker.set(true);
                r.run();
            }, "cortado-cpu");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /** Runs body over [0, count) in at most {@link #threads()} chunks of at least {@code grain} indices. */
    public void forRange(int count, int grain, Range body) {
        int chunks = Math.min(threads, Math.max(1, count / Math.max(1, grain)));
        if (chunks <= 1 || insideWorker.get()) {
            if (count > 0) {
                body.run(0, count);
            }
            return;
        }
        CountDownLatch done = new CountDownLatch(chunks - 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) count * c / chunks);
            int to = (int) ((long) count * (c + 1) / chunks);
            workers.execute(() -> {
                try {
                    body.run(from, to);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
        }
        // The caller's own chunk counts as inside a worker too: a nested loop started from it would
        // otherwise queue half its work behind the workers' chunks and leave the caller waiting.
        insideWorker.set(true);
        try {
            body.run(0, (int) ((long) count / chunks));
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        } finally {
            insideWorker.set(false);
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for CPU workers", e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
