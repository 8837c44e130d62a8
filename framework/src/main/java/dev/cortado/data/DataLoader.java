package dev.cortado.data;

import dev.cortado.backend.CounterRng;
import java.io.Closeable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Delivers a dataset as batches in host memory, epoch after epoch, filled by parallel workers.
 *
 * <ul>
 *   <li>Order: epoch e visits the samples in a Fisher–Yates permutation drawn from a generator seeded
 *       with hash(seed, e), so any epoch's order can be recomputed without replaying earlier ones.</li>
 *   <li>Augmentation: each sample's random draws come from hash(seed, e, sample index), so they do not
 *       depend on batch boundaries, on which worker fills the sample, or on where a run was resumed:
 *       the batches are bit-identical for any number of workers.</li>
 *   <li>Workers: {@code workers} threads claim runs of rows of the oldest unfinished batches and fill
 *       them in place, so every worker helps with the batch the consumer waits for, and batches are
 *       delivered in order however long each sample takes (PyTorch's {@code num_workers}, with samples
 *       rather than whole batches as the unit of work).</li>
 *   <li>Buffers: a fixed ring of {@code prefetch + 2} batches (ready, being filled, held by the
 *       consumer) is allocated once, whatever the number of workers; a worker whose next rows belong to
 *       a batch with no free buffer waits. Nothing is allocated per batch afterwards.</li>
 *   <li>Failure: the first sample that fails stops the workers; {@link #next()} delivers the batches
 *       before it and then throws a {@link DataLoaderException} carrying the cause.</li>
 *   <li>Position: {@link #position()} is the next batch to deliver; {@link #seek} moves there, which
 *       is how a checkpointed run resumes.</li>
 * </ul>
 *
 * One consumer thread calls {@link #next()}; a batch it returns stays valid until the following call.
 * {@link Dataset#read} is called from several workers at once.
 */
public final class DataLoader implements Closeable {
    private static final Logger LOG = LogManager.getLogger(DataLoader.class);
    private static final AtomicInteger LOADERS = new AtomicInteger();
    /** Separates the augmentation streams from the shuffle stream of the same seed. */
    /** How often a waiting worker looks at the stop flag, in case a dataset read swallowed the interrupt. */
    private static final long POLL_NANOS = 50_000_000L;

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final AugmentationPipeline pipeline;
    private final int prefetch;
    private final int workers;
    private final boolean bytes;
    private final SampleShape outputShape;
    private final int batchesPerEpoch;
    private final Batch[] ring;
    /** The pipeline folded into one pass from the dataset's 8-bit pixels; null when it cannot be. */
    private final OnePassTransform onePass;
    private final int id = LOADERS.incrementAndGet();

    private Run run;
    /** Batches delivered since the current run started: the sequence number of the next one. */
    private long delivered;
    private Batch held;
    private LoaderPosition position = LoaderPosition.START;
    private DataLoaderException failure;
    private boolean closed;
    private long waitedNanos;

    /** Batches in one epoch of {@code samples}: a short last batch counts unless it is dropped. */
    public static int batchesPerEpoch(int samples, int batchSize, boolean dropLast) {
        return dropLast ? samples / batchSize : (samples + batchSize - 1) / batchSize;
    }

    /** The default worker count: the cores minus one for the training thread, and at least one. */
    public static int defaultWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.pipeline = b.pipeline;
        this.prefetch = b.prefetch;
        this.workers = b.workers;
        this.bytes = b.bytes;
        this.outputShape = pipeline.outputShape(dataset.sampleShape());
        int n = dataset.size();
        this.batchesPerEpoch = batchesPerEpoch(n, batchSize, dropLast);
        if (batchesPerEpoch == 0) {
            throw new IllegalArgumentException(dataset.description() + " has " + n + " samples, fewer than one batch of "
                    + batchSize + (dropLast ? " with drop-last" : "") + "; nothing to load");
        }
        this.onePass = dataset.hasBytePixels() ? OnePassTransform.plan(pipeline, dataset.sampleShape()) : null;
        if (bytes && (onePass == null || pipeline.steps().stream().anyMatch(s -> s instanceof Normalize))) {
            throw new IllegalArgumentException("a loader of 8-bit batches needs a dataset with 8-bit pixels ("
                    + dataset.description() + (dataset.hasBytePixels() ? " has them" : " has not") + ") and a pipeline of "
                    + "crops and flips without normalization, got " + pipeline);
        }
        this.ring = new Batch[prefetch + 2];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = new Batch(outputShape, batchSize, bytes);
        }
    }

    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    public Dataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The threads that fill batches. */
    public int workers() {
        return workers;
    }

    /** The shape of each row after augmentation. */
    public SampleShape sampleShape() {
        return outputShape;
    }

    /** Batches per epoch: ceil(n / batch), or floor with drop-last. */
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** Rows per epoch: every sample, or the whole batches only with drop-last. */
    public int samplesPerEpoch() {
        return dropLast ? batchesPerEpoch * batchSize : dataset.size();
    }

    /** The epoch and index of the batch the next call to {@link #next()} returns. */
    public LoaderPosition position() {
        return position;
    }

    /**
     * Nanoseconds {@link #next()} has spent waiting for batches that were not ready, since this loader
     * was built: the time a consumer lost to the input pipeline.
     */
    public long waitedNanos() {
        return waitedNanos;
    }

    /**
     * Moves to batch {@code batch} of epoch {@code epoch}; the next call to {@link #next()} returns it.
     * Batches prefetched from the old position are discarded and a batch held from before is no longer
     * valid. {@code batch == batchesPerEpoch()} means the start of the next epoch.
     */
    public void seek(LoaderPosition target) {
        ensureOpen();
        Objects.requireNonNull(target);
        if (target.batch() > batchesPerEpoch) {
            throw new IllegalArgumentException("cannot seek to batch " + target.batch() + " of epoch " + target.epoch()
                    + ": an epoch of " + dataset.description() + " has " + batchesPerEpoch + " batches");
        }
        stopRun();
        held = null;
        failure = null;
        position = target.batch() == batchesPerEpoch ? new LoaderPosition(target.epoch() + 1, 0) : target;
    }

    public void seek(int epoch, int batch) {
        seek(new LoaderPosition(epoch, batch));
    }

    /** The next batch, crossing into the next epoch after the last batch of one. */
    public Batch next() {
        ensureOpen();
        if (failure != null) {
            throw new DataLoaderException(failure.getMessage(), failure.getCause());
        }
        if (run == null) {
            startRun();
        }
        if (held != null) {
            run.release(delivered - 1);
            held = null;
        }
        long sequence = delivered;
        Batch batch = ring[run.slot(sequence)];
        try {
            long waited = run.awaitBatch(sequence);
            waitedNanos += waited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataLoaderException("interrupted while waiting for batch " + position.batch() + " of epoch "
                    + position.epoch(), e);
        }
        Throwable cause = run.failureAt(sequence);
        if (cause != null) {
            failure = new DataLoaderException("loading batch " + position.batch() + " of epoch " + position.epoch()
                    + " from " + dataset.description() + " failed: " + cause, cause);
            throw failure;
        }
        batch.setPosition(position.epoch(), position.batch(), rows(position.batch()));
        held = batch;
        delivered++;
        position = position.batch() + 1 < batchesPerEpoch
                ? new LoaderPosition(position.epoch(), position.batch() + 1)
                : new LoaderPosition(position.epoch() + 1, 0);
        return batch;
    }

    /**
     * The remaining batches of the current epoch, for {@code for (Batch b : loader.epoch())}; after the
     * loop the position is batch 0 of the next epoch.
     */
    public Iterable<Batch> epoch() {
        int epoch = position.epoch();
        return () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return position.epoch() == epoch;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("epoch " + epoch + " is finished");
                }
                return DataLoader.this.next();
            }
        };
    }

    @Override
    public void close() {
        if (!closed) {
            stopRun();
            closed = true;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("data loader over " + dataset.description() + " is closed");
        }
    }

    /** Rows of batch {@code index} of an epoch: the batch size, or what is left for a short last batch. */
    private int rows(int index) {
        return Math.min(batchSize, dataset.size() - index * batchSize);
    }

    private void startRun() {
        run = new Run(position);
        delivered = 0;
        LOG.debug("loading {} from epoch {} batch {} with {} worker(s){}: {} batches of {} per epoch, shuffle {}, seed {}",
                dataset.description(), position.epoch(), position.batch(), workers,
                onePass != null ? " in one pass from 8-bit pixels" : "", batchesPerEpoch, batchSize, shuffle, seed);
    }

    private void stopRun() {
        if (run != null) {
            run.stop();
            run = null;
        }
    }

    private long augmentationSeed(int epoch, int sampleIndex) {
        return CounterRng.hash(CounterRng.hash(seed ^ CounterRng.STREAM_SALT, epoch), sampleIndex);
    }

    /**
     * The workers from one start position until stopped. Batches are numbered by a sequence from the
     * start; batch s fills ring slot s mod ring length, free once the consumer has released batch
     * s − ring length. Workers claim rows in order, so every row of a batch before the first failure
     * was claimed by a worker that finishes it.
     */
    private final class Run {
        private final long startBatch;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition batchDone = lock.newCondition();
        private final Condition slotFreed = lock.newCondition();
        private final int[] rowsDone = new int[ring.length];
        private final Map<Integer, int[]> orders = new HashMap<>();
        private final Thread[] threads = new Thread[workers];
        private volatile boolean stopping;
        // Guarded by lock:
        private long claimBatch;
        private int claimRow;
        private long released;
        private long failedBatch = Long.MAX_VALUE;
        private Throwable failure;

        Run(LoaderPosition start) {
            this.startBatch = (long) start.epoch() * batchesPerEpoch + start.batch();
            for (int w = 0; w < workers; w++) {
                Thread t = new Thread(new Worker(), "cortado-data-loader-" + id + "-worker-" + w);
                t.setDaemon(true);
                threads[w] = t;
            }
            for (Thread t : threads) {
                t.start();
            }
        }

        int slot(long sequence) {
            return (int) (sequence % ring.length);
        }

        int epochOf(long sequence) {
            return (int) ((startBatch + sequence) / batchesPerEpoch);
        }

        int indexOf(long sequence) {
            return (int) ((startBatch + sequence) % batchesPerEpoch);
        }

        /** Blocks until batch {@code sequence} is filled or failed; returns the nanoseconds waited. */
        long awaitBatch(long sequence) throws InterruptedException {
            int rows = rows(indexOf(sequence));
            int slot = slot(sequence);
            lock.lock();
            try {
                if (rowsDone[slot] >= rows || failedBatch <= sequence) {
                    return 0;
                }
                long start = System.nanoTime();
                while (rowsDone[slot] < rows && failedBatch > sequence) {
                    batchDone.await();
                }
                return System.nanoTime() - start;
            } finally {
                lock.unlock();
            }
        }

        Throwable failureAt(long sequence) {
            lock.lock();
            try {
                return failedBatch <= sequence ? failure : null;
            } finally {
                lock.unlock();
            }
        }

        /** The consumer is done with batch {@code sequence}: its buffer may take a later batch. */
        void release(long sequence) {
            lock.lock();
            try {
                rowsDone[slot(sequence)] = 0;
                released = sequence + 1;
                slotFreed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void stop() {
            stopping = true;
            lock.lock();
            try {
                slotFreed.signalAll();
            } finally {
                lock.unlock();
            }
            for (Thread t : threads) {
                t.interrupt();
            }
            boolean interrupted = false;
            for (Thread t : threads) {
                while (t.isAlive()) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** The visiting order of epoch {@code epoch}, computed once per run and shared by the workers. */
        int[] order(int epoch) {
            synchronized (orders) {
                int[] order = orders.get(epoch);
                if (order == null) {
                    order = new int[dataset.size()];
                    for (int i = 0; i < order.length; i++) {
                        order[i] = i;
                    }
                    if (shuffle) {
                        Permutations.shuffle(order, new SplittableRandom(CounterRng.hash(seed, epoch)));
                    }
                    // Workers stay within ring-length batches of the consumer, so few epochs are live at once.
                    if (orders.size() > ring.length + 1) {
                        orders.remove(orders.keySet().stream().min(Integer::compare).orElseThrow());
                    }
                    orders.put(epoch, order);
                }
                return order;
            }
        }

        /** Rows a worker takes at a time: several, so that tiny samples do not cost a lock each. */
        private int chunk(int rows) {
            return Math.max(1, rows / (4 * workers));
        }

        /** The filling loop of one worker thread. */
        private final class Worker implements Runnable {
            private final AugmentationPipeline.Workspace workspace =
                    pipeline.isIdentity() || onePass != null ? null : pipeline.newWorkspace(dataset.sampleShape());
            private final SampleRandom random = new SampleRandom(0);
            private final ByteImage pixels = new ByteImage();
            private final OnePassTransform.Scratch scratch = new OnePassTransform.Scratch();

            @Override
            public void run() {
                long sequence = -1;
                int first = 0;
                try {
                    while (true) {
                        int last;
                        lock.lock();
                        try {
                            if (stopping || failure != null) {
                                return;
                            }
                            sequence = claimBatch;
                            first = claimRow;
                            int rows = rows(indexOf(sequence));
                            last = Math.min(rows, first + chunk(rows));
                            if (last == rows) {
                                claimBatch++;
                                claimRow = 0;
                            } else {
                                claimRow = last;
                            }
                            while (sequence >= released + ring.length) {
                                if (stopping) {
                                    return;
                                }
                                slotFreed.awaitNanos(POLL_NANOS);
                            }
                        } finally {
                            lock.unlock();
                        }
                        fill(ring[slot(sequence)], epochOf(sequence), indexOf(sequence), first, last);
                        lock.lock();
                        try {
                            int slot = slot(sequence);
                            rowsDone[slot] += last - first;
                            if (rowsDone[slot] == rows(indexOf(sequence))) {
                                batchDone.signalAll();
                            }
                        } finally {
                            lock.unlock();
                        }
                    }
                } catch (InterruptedException e) {
                    // Stopped by seek or close; an interrupt from anywhere else must not leave the consumer waiting.
                    if (!stopping) {
                        fail(sequence, e);
                    }
                } catch (Throwable t) {
                    if (!stopping) {
                        fail(sequence, t);
                    }
                }
            }

            private void fail(long sequence, Throwable t) {
                lock.lock();
                try {
                    if (sequence < failedBatch) {
                        failedBatch = sequence;
                        failure = t;
                    }
                    batchDone.signalAll();
                } finally {
                    lock.unlock();
                }
            }

            private void fill(Batch batch, int epoch, int index, int firstRow, int lastRow) {
                int[] order = order(epoch);
                int rowSize = outputShape.size();
                float[] images = bytes ? null : batch.images();
                float[] labels = batch.labels();
                int[] indices = batch.sampleIndicesArray();
                for (int r = firstRow; r < lastRow; r++) {
                    int sample = order[index * batchSize + r];
                    int label;
                    if (bytes) {
                        label = dataset.readPixels(sample, pixels);
                        random.reset(augmentationSeed(epoch, sample));
                        onePass.applyBytes(pixels, random, scratch, batch.pixels(), r * rowSize);
                    } else if (onePass != null) {
                        label = dataset.readPixels(sample, pixels);
                        random.reset(augmentationSeed(epoch, sample));
                        onePass.apply(pixels, random, scratch, images, r * rowSize);
                    } else if (workspace == null) {
                        label = dataset.read(sample, images, r * rowSize);
                    } else {
                        label = dataset.read(sample, workspace.input(), 0);
                        random.reset(augmentationSeed(epoch, sample));
                        pipeline.apply(workspace, images, r * rowSize, random);
                    }
                    labels[r] = label;
                    indices[r] = sample;
                }
            }
        }
    }

    /** Settings of a loader, with defaults: shuffle on, seed 0, keep the last partial batch, prefetch 2, one worker. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 32;
        private boolean shuffle = true;
        private long seed;
        private boolean dropLast;
        private AugmentationPipeline pipeline = AugmentationPipeline.identity();
        private int prefetch = 2;
        private int workers = 1;
        private boolean bytes;

        private Builder(Dataset dataset) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
        }

        public Builder batchSize(int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Skip the last batch of an epoch when it would be smaller than the batch size. */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        public Builder augmentation(AugmentationPipeline pipeline) {
            this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
            return this;
        }

        public Builder augmentation(Augmentation... steps) {
            return augmentation(AugmentationPipeline.of(steps));
        }

        /** Batches filled ahead of the consumer (the bounded queue's capacity). */
        public Builder prefetch(int prefetch) {
            if (prefetch <= 0) {
                throw new IllegalArgumentException("prefetch must be at least 1, got " + prefetch);
            }
            this.prefetch = prefetch;
            return this;
        }

        /**
         * Threads that fill batches in parallel. The batches do not depend on it: each sample's randomness
         * comes from (seed, epoch, sample index).
         */
        public Builder workers(int workers) {
            if (workers <= 0) {
                throw new IllegalArgumentException("workers must be at least 1, got " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * Deliver 8-bit batches ({@link Batch#pixels()}) instead of floats: a quarter of the memory and
         * of the copy to a device, which then converts and normalizes. Needs a dataset with 8-bit pixels
         * and a pipeline of crops and flips only; interpolated values are rounded to the nearest byte.
         */
        public Builder bytes(boolean bytes) {
            this.bytes = bytes;
            return this;
        }

        public DataLoader build() {
            if (dataset.size() == 0) {
                throw new IllegalArgumentException(dataset.description() + " is empty; nothing to load");
            }
            return new DataLoader(this);
        }
    }
}
