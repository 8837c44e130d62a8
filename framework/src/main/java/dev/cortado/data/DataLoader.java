package dev.cortado.data;

import dev.cortado.backend.CounterRng;
import java.io.Closeable;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Delivers a dataset as batches in host memory, epoch after epoch.
 *
 * <ul>
 *   <li>Order: epoch e visits the samples in a Fisher–Yates permutation drawn from a generator seeded
 *       with hash(seed, e), so any epoch's order can be recomputed without replaying earlier ones.</li>
 *   <li>Augmentation: each sample's random draws come from hash(seed, e, sample index), so they do not
 *       depend on batch boundaries or on where a run was resumed.</li>
 *   <li>Buffers: a fixed ring of {@code prefetch + 2} batches (queued, being filled, held by the
 *       consumer) is allocated once; nothing is allocated per batch afterwards.</li>
 *   <li>Prefetch: a daemon thread fills batches ahead into a bounded queue; an error there is rethrown
 *       by {@link #next()} as a {@link DataLoaderException} carrying the cause.</li>
 *   <li>Position: {@link #position()} is the next batch to deliver; {@link #seek} moves there, which
 *       is how a checkpointed run resumes.</li>
 * </ul>
 *
 * One consumer thread calls {@link #next()}; a batch it returns stays valid until the following call.
 */
public final class DataLoader implements Closeable {
    private static final Logger LOG = LogManager.getLogger(DataLoader.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Separates the augmentation streams from the shuffle stream of the same seed. */
    private static final long POLL_MS = 50;

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final AugmentationPipeline pipeline;
    private final int prefetch;
    private final SampleShape outputShape;
    private final int batchesPerEpoch;
    private final Batch[] ring;
    /** Stands in the queue for a batch that failed; its cause is in {@link Producer#failure}. */
    private final Batch failedMarker;

    private Producer producer;
    private Thread thread;
    private Batch held;
    private LoaderPosition position = LoaderPosition.START;
    private DataLoaderException failure;
    private boolean closed;

    /** Batches in one epoch of {@code samples}: a short last batch counts unless it is dropped. */
    public static int batchesPerEpoch(int samples, int batchSize, boolean dropLast) {
        return dropLast ? samples / batchSize : (samples + batchSize - 1) / batchSize;
    }

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.pipeline = b.pipeline;
        this.prefetch = b.prefetch;
        this.outputShape = pipeline.outputShape(dataset.sampleShape());
        int n = dataset.size();
        this.batchesPerEpoch = batchesPerEpoch(n, batchSize, dropLast);
        if (batchesPerEpoch == 0) {
            throw new IllegalArgumentException(dataset.description() + " has " + n + " samples, fewer than one batch of "
                    + batchSize + (dropLast ? " with drop-last" : "") + "; nothing to load");
        }
        this.ring = new Batch[prefetch + 2];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = new Batch(outputShape, batchSize);
        }
        this.failedMarker = new Batch(outputShape, 1);
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
        stopProducer();
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
        if (producer == null) {
            startProducer();
        }
        if (held != null) {
            producer.free.add(held);
            held = null;
        }
        Batch batch;
        try {
            batch = producer.full.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataLoaderException("interrupted while waiting for batch " + position.batch() + " of epoch "
                    + position.epoch(), e);
        }
        if (batch == failedMarker) {
            Throwable cause = producer.failure;
            failure = new DataLoaderException("loading batch " + position.batch() + " of epoch " + position.epoch()
                    + " from " + dataset.description() + " failed: " + cause, cause);
            throw failure;
        }
        if (batch.epoch() != position.epoch() || batch.index() != position.batch()) {
            throw new IllegalStateException("loader expected batch " + position + " but received epoch "
                    + batch.epoch() + " batch " + batch.index());
        }
        held = batch;
        position = batch.index() + 1 < batchesPerEpoch
                ? new LoaderPosition(batch.epoch(), batch.index() + 1)
                : new LoaderPosition(batch.epoch() + 1, 0);
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
            stopProducer();
            closed = true;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("data loader over " + dataset.description() + " is closed");
        }
    }

    private void startProducer() {
        producer = new Producer(position);
        thread = new Thread(producer, "cortado-data-loader-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
        LOG.debug("loading {} from epoch {} batch {}: {} batches of {} per epoch, shuffle {}, seed {}",
                dataset.description(), position.epoch(), position.batch(), batchesPerEpoch, batchSize, shuffle, seed);
    }

    private void stopProducer() {
        if (producer == null) {
            return;
        }
        producer.stopping = true;
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        producer = null;
        thread = null;
    }

    private long augmentationSeed(int epoch, int sampleIndex) {
        return CounterRng.hash(CounterRng.hash(seed ^ CounterRng.STREAM_SALT, epoch), sampleIndex);
    }

    /** The background thread's work, from one start position until stopped. */
    private final class Producer implements Runnable {
        final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(ring.length);
        /*
         * Ring arithmetic bounds the batches filled ahead: the consumer holds one and the producer fills
         * one, so at most prefetch wait here; the extra slot is for the failure marker, which the
         * producer puts while still holding the batch it failed on.
         */
        final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(prefetch + 1);
        final LoaderPosition start;
        volatile boolean stopping;
        volatile Throwable failure;
        private final int[] order = new int[dataset.size()];
        private int orderEpoch = -1;
        private final AugmentationPipeline.Workspace workspace;
        private final SampleRandom random = new SampleRandom(0);

        Producer(LoaderPosition start) {
            this.start = start;
            for (Batch b : ring) {
                free.add(b);
            }
            this.workspace = pipeline.isIdentity() ? null : pipeline.newWorkspace(dataset.sampleShape());
        }

        @Override
        public void run() {
            int epoch = start.epoch();
            int index = start.batch();
            try {
                while (!stopping) {
                    Batch batch = take(free);
                    if (batch == null) {
                        return;
                    }
                    fill(batch, epoch, index);
                    if (!put(batch)) {
                        return;
                    }
                    if (++index == batchesPerEpoch) {
                        index = 0;
                        epoch++;
                    }
                }
            } catch (InterruptedException e) {
                // stopped by seek or close
            } catch (Throwable t) {
                if (stopping) {
                    return;
                }
                failure = t;
                try {
                    put(failedMarker);
                } catch (InterruptedException e) {
                    // stopped while reporting: nobody is waiting for the batch any more
                }
            }
        }

        /** Polls so that a stop request is seen even if a dataset read swallowed the interrupt. */
        private Batch take(BlockingQueue<Batch> queue) throws InterruptedException {
            while (!stopping) {
                Batch b = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
            }
            return null;
        }

        private boolean put(Batch batch) throws InterruptedException {
            while (!stopping) {
                if (full.offer(batch, POLL_MS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            return false;
        }

        private void fill(Batch batch, int epoch, int index) {
            if (orderEpoch != epoch) {
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                if (shuffle) {
                    Permutations.shuffle(order, new SplittableRandom(CounterRng.hash(seed, epoch)));
                }
                orderEpoch = epoch;
            }
            int first = index * batchSize;
            int rows = Math.min(batchSize, order.length - first);
            int rowSize = outputShape.size();
            float[] images = batch.images();
            float[] labels = batch.labels();
            int[] indices = batch.sampleIndicesArray();
            for (int r = 0; r < rows; r++) {
                int sample = order[first + r];
                int label;
                if (workspace == null) {
                    label = dataset.read(sample, images, r * rowSize);
                } else {
                    label = dataset.read(sample, workspace.input(), 0);
                    random.reset(augmentationSeed(epoch, sample));
                    pipeline.apply(workspace, images, r * rowSize, random);
                }
                labels[r] = label;
                indices[r] = sample;
            }
            batch.setPosition(epoch, index, rows);
        }
    }

    /** Settings of a loader, with defaults: shuffle on, seed 0, keep the last partial batch, prefetch 2. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 32;
        private boolean shuffle = true;
        private long seed;
        private boolean dropLast;
        private AugmentationPipeline pipeline = AugmentationPipeline.identity();
        private int prefetch = 2;

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

        public DataLoader build() {
            if (dataset.size() == 0) {
                throw new IllegalArgumentException(dataset.description() + " is empty; nothing to load");
            }
            return new DataLoader(this);
        }
    }
}
