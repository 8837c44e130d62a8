package dev.cortado.cli;

import dev.cortado.data.DatasetFormat;
import dev.cortado.data.SampleShape;
import dev.cortado.train.EpochResult;
import dev.cortado.train.IterationResult;
import dev.cortado.train.Trainer;
import dev.cortado.train.TrainingListener;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Warns once per run when the data loader cannot keep up: over a window of training (or a whole
 * epoch, if shorter) the step waited for batches more than a quarter of the time. The loader's start
 * (the first batch of a fit, before any was prefetched) is left out.
 */
final class DataBoundWarning implements TrainingListener {
    private static final Logger LOG = LogManager.getLogger(DataBoundWarning.class);
    static final double THRESHOLD = 0.25;
    private static final long WINDOW_NANOS = 10_000_000_000L;

    private final String remedy;
    private final LongSupplier clock;
    private boolean warned;
    private long windowStart = -1;
    private long windowWait;
    private long windowIterations;

    /** {@code remedy}: what to do about it, for the message. */
    DataBoundWarning(String remedy, LongSupplier nanoClock) {
        this.remedy = remedy;
        this.clock = nanoClock;
    }

    @Override
    public void onTrainingStart(Trainer trainer) {
        windowStart = -1;
    }

    @Override
    public void onIterationEnd(Trainer trainer, IterationResult r) {
        long now = clock.getAsLong();
        if (windowStart < 0) {
            startWindow(trainer, now);
            return;
        }
        windowIterations++;
        long elapsed = now - windowStart;
        if (elapsed >= WINDOW_NANOS) {
            check((double) (trainer.dataWaitNanos() - windowWait) / elapsed,
                    String.format(Locale.ROOT, "over the last %,d iterations", windowIterations));
            startWindow(trainer, now);
        }
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochResult r) {
        if (!Double.isNaN(r.dataWaitShare())) {
            check(r.dataWaitShare(), "in epoch " + (r.epoch() + 1));
        }
    }

    /** What to suggest to a run over {@code data} with {@code workers} loader threads. */
    static String remedy(int workers, TrainingInputs data) {
        int cores = Runtime.getRuntime().availableProcessors();
        String more = workers < cores ? String.format(Locale.ROOT, "raise --workers (now %d, on %d cores)", workers, cores)
                : String.format(Locale.ROOT, "the loader already has %d worker(s) on %d cores", workers, cores);
        if (data.format() == DatasetFormat.IMAGE_FOLDER) {
            SampleShape shape = data.sampleShape();
            return more + ", or decode the folder once: cortado data pack " + data.dataDirectory() + " --size "
                    + shape.height() + "x" + shape.width() + (shape.channels() == 1 ? " --channels 1" : "")
                    + " --out train.cpack, then train with --data train.cpack";
        }
        return more + "; lighter augmentation or a smaller input size also help";
    }

    private void startWindow(Trainer trainer, long now) {
        windowStart = now;
        windowWait = trainer.dataWaitNanos();
        windowIterations = 0;
    }

    private void check(double share, String when) {
        if (!warned && share > THRESHOLD) {
            warned = true;
            LOG.warn(String.format(Locale.ROOT, "the data loader cannot keep up: the training step waited for batches "
                    + "%.0f%% of the time %s; %s", 100 * share, when, remedy));
        }
    }

    boolean warned() {
        return warned;
    }
}
