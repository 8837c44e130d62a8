package dev.cortado.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One CSV row per epoch: loss and accuracy on the training and validation data, learning rate and
 * throughput. Flushed after every row, so the file is readable while training runs.
 */
public final class MetricsCsvLog implements TrainingListener, AutoCloseable {
    public static final String HEADER = "epoch,iteration,train_loss,train_accuracy,val_loss,val_top1,val_top5,"
            + "learning_rate,images_per_second,seconds";

    private final Path file;
    private BufferedWriter out;
    private float learningRate;

    public MetricsCsvLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    @Override
    public void onTrainingStart(Trainer trainer) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            if (fresh) {
                out.write(HEADER);
                out.newLine();
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics log " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onIterationEnd(Trainer trainer, IterationResult result) {
        learningRate = result.learningRate();
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochResult r) {
        EvaluationResult v = r.validation();
        String row = String.format(Locale.ROOT, "%d,%d,%.6f,%.6f,%s,%s,%s,%.6g,%.1f,%.3f", r.epoch() + 1, r.iteration(),
                r.trainLoss(), r.trainAccuracy(), v == null ? "" : String.format(Locale.ROOT, "%.6f", v.loss()),
                v == null ? "" : String.format(Locale.ROOT, "%.6f", v.top1()),
                v == null ? "" : String.format(Locale.ROOT, "%.6f", v.top5()), learningRate, r.imagesPerSecond(),
                r.seconds());
        try {
            out.write(row);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics log " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
        close();
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out = null;
        }
    }
}
