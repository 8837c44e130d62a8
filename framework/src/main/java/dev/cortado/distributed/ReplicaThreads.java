package dev.cortado.distributed;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One thread per replica, each replica always on the same thread (its device stays bound to it, its
 * thread-local workspaces stay warm): replica 0 runs on the caller, the others on threads of their own.
 * {@link #run} hands every replica the same task and returns when all are done; a step's phases cost a
 * hand-off each, without allocation.
 *
 * <p>When a replica fails, {@code onFailure} is told at once (the group's collectives are aborted, so that
 * no replica waits for it), the others finish or fail, and {@link #run} throws a
 * {@link ReplicaFailedException} naming the replica that failed first in rank order — never one that only
 * saw the abort.
 */
final class ReplicaThreads implements AutoCloseable {
    private static final long SPIN_NANOS = 50_000;

    private final List<String> devices;
    private final Consumer<Throwable> onFailure;
    private final Thread[] workers;
    private final Throwable[] failures;
    private final AtomicInteger unfinished = new AtomicInteger();
    private volatile DataParallel.ReplicaTask task;
    private volatile long generation;
    private volatile Thread caller;
    private volatile boolean closed;

    /** {@code devices}: each replica's device name, for thread names and errors. */
    ReplicaThreads(List<String> devices, Consumer<Throwable> onFailure) {
        this.devices = List.copyOf(devices);
        this.onFailure = onFailure;
        this.failures = new Throwable[devices.size()];
        this.workers = new Thread[devices.size()];
        for (int r = 1; r < workers.length; r++) {
            int replica = r;
            workers[r] = new Thread(() -> work(replica), "replica-" + r + "-" + devices.get(r));
            workers[r].setDaemon(true);
            workers[r].start();
        }
    }

    int size() {
        return workers.length;
    }

    /** Runs {@code t} for every replica, replica 0 on this thread; rethrows the first replica failure. */
    void run(DataParallel.ReplicaTask t) {
        if (closed) {
            throw new IllegalStateException("the replica threads are closed");
        }
        java.util.Arrays.fill(failures, null);
        task = t;
        caller = Thread.currentThread();
        unfinished.set(workers.length - 1);
        generation++;
        for (int r = 1; r < workers.length; r++) {
            LockSupport.unpark(workers[r]);
        }
        runOne(t, 0);
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (unfinished.get() > 0) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        task = null;
        rethrow();
    }

    private void runOne(DataParallel.ReplicaTask t, int replica) {
        try {
            t.run(replica);
        } catch (Throwable e) {
            failures[replica] = e;
            onFailure.accept(e);
        }
    }

    private void rethrow() {
        Throwable first = null;
        int firstReplica = -1;
        for (int r = 0; r < failures.length; r++) {
            Throwable e = failures[r];
            if (e != null && (first == null || first instanceof CollectiveAbortedException
                    && !(e instanceof CollectiveAbortedException))) {
                first = e;
                firstReplica = r;
            }
        }
        if (first == null) {
            return;
        }
        if (first instanceof CollectiveAbortedException && first.getCause() != null) {
            first = first.getCause();
        }
        if (first instanceof Error error && !(first instanceof OutOfMemoryError)) {
            throw error;
        }
        throw new ReplicaFailedException(firstReplica, devices.get(firstReplica), first);
    }

    private void work(int replica) {
        long seen = 0;
        while (true) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (generation == seen) {
                if (closed) {
                    return;
                }
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = generation;
            runOne(task, replica);
            if (unfinished.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (int r = 1; r < workers.length; r++) {
            LockSupport.unpark(workers[r]);
        }
        for (int r = 1; r < workers.length; r++) {
            try {
                workers[r].join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
