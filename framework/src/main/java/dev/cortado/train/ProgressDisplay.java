package dev.cortado.train;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The per-epoch progress on stderr: loss, accuracy, images per second and ETA. On a terminal one
 * bar redrawn in place with {@code \r}; otherwise (a log file, CI) a plain line at every tenth of
 * the epoch, with no control codes. {@code cortado train} shows it; a program adds it with
 * {@code Trainer.builder(...).listener(ProgressDisplay.onStderr())}.
 */
public final class ProgressDisplay implements TrainingListener {
    private static final int BAR_WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final boolean interactive;
    private final LongSupplier clock;
    private int epochs;
    private int epoch = -1;
    private long epochStart;
    private long lastDraw;
    private int nextTenth;
    private double lossSum;
    private long correct;
    private long seen;
    private boolean barOpen;
    /** When the current epoch began: training start, or the end of the previous epoch (after its validation). */
    private long mark;

    /**
     * Progress written to {@code err}; {@code interactive} redraws one bar in place (for a terminal),
     * and the clock is {@code System::nanoTime} except in tests.
     */
    public ProgressDisplay(PrintWriter err, boolean interactive, LongSupplier nanoClock) {
        this.err = err;
        this.interactive = interactive;
        this.clock = nanoClock;
    }

    /** Progress on stderr, as a bar redrawn in place when the JVM has a console, else as lines. */
    public static ProgressDisplay onStderr() {
        return new ProgressDisplay(new PrintWriter(System.err, true), System.console() != null, System::nanoTime);
    }

    @Override
    public void onTrainingStart(Trainer trainer) {
        start(trainer.config().epochs());
    }

    void start(int totalEpochs) {
        epochs = totalEpochs;
        mark = clock.getAsLong();
    }

    @Override
    public void onIterationEnd(Trainer trainer, IterationResult r) {
        onIteration(r);
    }

    void onIteration(IterationResult r) {
        long now = clock.getAsLong();
        if (r.epoch() != epoch) {
            epoch = r.epoch();
            epochStart = mark;
            lossSum = 0;
            correct = 0;
            seen = 0;
            nextTenth = (int) Math.floor(10.0 * (r.batchInEpoch()) / r.batchesPerEpoch()) + 1;
            lastDraw = 0;
        }
        if (!r.skipped()) {
            lossSum += (double) r.loss() * r.batchSize();
            correct += r.correct();
            seen += r.batchSize();
        }
        int done = r.batchInEpoch() + 1;
        double seconds = (now - epochStart) / 1e9;
        if (interactive) {
            if (now - lastDraw >= REDRAW_NANOS || done == r.batchesPerEpoch()) {
                err.print("\r" + line(epoch, epochs, done, r.batchesPerEpoch(), lossSum / Math.max(seen, 1),
                        (double) correct / Math.max(seen, 1), seen, seconds, true));
                err.flush();
                lastDraw = now;
                barOpen = true;
            }
        } else if (10L * done >= (long) nextTenth * r.batchesPerEpoch()) {
            while (10L * done >= (long) nextTenth * r.batchesPerEpoch()) {
                nextTenth++;
            }
            err.println(line(epoch, epochs, done, r.batchesPerEpoch(), lossSum / Math.max(seen, 1),
                    (double) correct / Math.max(seen, 1), seen, seconds, false));
            err.flush();
        }
    }

    @Override
    public void onValidation(Trainer trainer, long iteration, EvaluationResult r) {
        if (barOpen) {
            err.println();
            barOpen = false;
        }
        err.println(String.format(Locale.ROOT, "iteration %d: validation loss %.4f acc %.2f%% (top-5 %.2f%%)", iteration,
                r.loss(), 100 * r.top1(), 100 * r.top5()));
        err.flush();
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochResult r) {
        onEpoch(r, trainer.position().batch() == 0);
    }

    /** {@code whole}: the epoch ran to its end rather than to --max-iterations inside it. */
    void onEpoch(EpochResult r, boolean whole) {
        if (barOpen) {
            err.println();
            barOpen = false;
        }
        err.println(epochSummary(r, epochs, whole));
        err.flush();
        epoch = -1;
        mark = clock.getAsLong();
    }

    /**
     * One progress line: "epoch 1/5 [=====>   ] 412/938 loss 0.4321 acc 84.21% 5,123 img/s ETA 0:12".
     * Throughput counts the images of this epoch so far; the ETA extrapolates it to the epoch's end.
     */
    static String line(int epoch, int epochs, int done, int total, double loss, double accuracy, long images,
                       double seconds, boolean bar) {
        double rate = seconds > 0 ? images / seconds : 0;
        double perBatch = done > 0 ? seconds / done : 0;
        long eta = Math.round(perBatch * (total - done));
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "epoch %d/%d ", epoch + 1, epochs));
        if (bar) {
            int filled = (int) ((long) BAR_WIDTH * done / total);
            b.append('[').append("=".repeat(filled)).append(filled < BAR_WIDTH ? ">" : "")
                    .append(" ".repeat(Math.max(0, BAR_WIDTH - filled - 1))).append("] ");
        } else {
            b.append(String.format(Locale.ROOT, "%3d%% ", 100L * done / total));
        }
        b.append(String.format(Locale.ROOT, "%d/%d loss %.4f acc %.2f%% %,.0f img/s ETA %d:%02d", done, total, loss,
                100 * accuracy, rate, eta / 60, eta % 60));
        return b.toString();
    }

    static String epochSummary(EpochResult r, int epochs, boolean whole) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "epoch %d/%d %s in %.1f s: train loss %.4f acc %.2f%%", r.epoch() + 1, epochs,
                whole ? "done" : String.format(Locale.ROOT, "stopped at iteration %,d (--max-iterations)", r.iteration()),
                r.seconds(), r.trainLoss(), 100 * r.trainAccuracy()));
        EvaluationResult v = r.validation();
        if (v != null) {
            b.append(String.format(Locale.ROOT, ", validation loss %.4f acc %.2f%% (top-5 %.2f%%)", v.loss(),
                    100 * v.top1(), 100 * v.top5()));
        }
        b.append(String.format(Locale.ROOT, ", %,.0f img/s", r.imagesPerSecond()));
        if (!Double.isNaN(r.dataWaitShare())) {
            b.append(String.format(Locale.ROOT, ", data-bound: %.0f%% of step time", 100 * r.dataWaitShare()));
        }
        return b.toString();
    }
}
