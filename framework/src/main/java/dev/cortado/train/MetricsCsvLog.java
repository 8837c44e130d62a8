package dev.cortado.train;

import dev.cortado.files.AtomicWrite;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One CSV row per epoch: loss and accuracy on the training and validation data, learning rate and
 * throughput. Flushed after every row, so the file is readable while training runs. A resumed run
 * appends to its file, after dropping rows of epochs its checkpoint had not reached (written after
 * the checkpoint the run resumes from), so the file holds each epoch of the whole run once.
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

    /** One row of the file: NaN for what it leaves empty (validation of an epoch without it). */
    public record Row(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                      double validationAccuracy) {
    }

    /** The rows of a metrics file, oldest first; none when it does not exist. */
    public static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length < 6) {
                continue;
            }
            try {
                rows.add(new Row(Integer.parseInt(f[0]), number(f[2]), number(f[3]), number(f[4]), number(f[5])));
            } catch (NumberFormatException e) {
                throw new IOException(file + ": not a metrics row: " + line, e);
            }
        }
        return rows;
    }

    private static double number(String field) {
        return field.isEmpty() ? Double.NaN : Double.parseDouble(field);
    }

    /** Keeps the header and the rows of the first {@code epochs} epochs. */
    private void truncateTo(int epochs) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String epoch = lines.get(i).split(",", 2)[0];
            if (i == 0 || epoch.matches("\\d+") && Integer.parseInt(epoch) <= epochs) {
                kept.add(lines.get(i));
            }
        }
        if (kept.size() < lines.size()) {
            AtomicWrite.write(file, tmp -> Files.write(tmp, kept, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void onTrainingStart(Trainer trainer) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            truncateTo(trainer.position().epoch());
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
