package dev.cortado.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@code cortado train} run reached: the one record that both the text summary and the
 * {@code --json} object are printed from. A metric the run did not produce (no test split, no
 * validation, no finished epoch) is NaN, printed as "n/a" and as JSON null.
 *
 * @param epochs the epochs completed
 * @param validationAccuracy the last validation top-1 accuracy
 * @param bestValidationAccuracy the best validation top-1 accuracy of the whole run (resumes included)
 * @param checkpoint the last checkpoint written, or null
 * @param bestCheckpoint the best-accuracy checkpoint, or null
 * @param error why the run failed, or null when it succeeded
 */
record TrainResult(String model, long parameters, String backend, int epochs, long iterations, double seconds,
                   double imagesPerSecond, double trainLoss, double trainAccuracy, double validationAccuracy,
                   double bestValidationAccuracy, double testLoss, double testAccuracy, double testTop5,
                   Path checkpoint, Path bestCheckpoint, Path metricsCsv, Path plot, String error) {

    /** The JSON object's fields, by the names scripts read. */
    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("test_accuracy", testAccuracy);
        m.put("test_top5", testTop5);
        m.put("test_loss", testLoss);
        m.put("train_loss", trainLoss);
        m.put("train_accuracy", trainAccuracy);
        m.put("validation_accuracy", validationAccuracy);
        m.put("best_validation_accuracy", bestValidationAccuracy);
        m.put("train_images_per_second", imagesPerSecond);
        m.put("epochs", epochs);
        m.put("iterations", iterations);
        m.put("seconds", seconds);
        m.put("backend", backend);
        m.put("parameters", parameters);
        m.put("checkpoint", text(checkpoint));
        m.put("best_checkpoint", text(bestCheckpoint));
        m.put("metrics_csv", text(metricsCsv));
        m.put("plot", text(plot));
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }

    /** The summary a person reads at the end of a run. */
    String summary() {
        StringBuilder b = new StringBuilder();
        String nl = System.lineSeparator();
        b.append(String.format(Locale.ROOT, "%s: %,d parameters, %d %s (%,d iterations) in %.1f s on %s, %s training "
                        + "img/s%n", model, parameters, epochs, epochs == 1 ? "epoch" : "epochs", iterations, seconds,
                backend, Double.isFinite(imagesPerSecond) ? String.format(Locale.ROOT, "%,.0f", imagesPerSecond) : "n/a"));
        if (Double.isFinite(testAccuracy)) {
            b.append(String.format(Locale.ROOT, "test: loss %.4f, top-1 %.2f%%, top-5 %.2f%%%n", testLoss,
                    100 * testAccuracy, 100 * testTop5));
        } else {
            b.append("test: the data has no test split").append(nl);
        }
        if (Double.isFinite(bestValidationAccuracy)) {
            b.append(String.format(Locale.ROOT, "validation: top-1 %.2f%% at the end, best %.2f%%%n",
                    100 * validationAccuracy, 100 * bestValidationAccuracy));
        }
        if (checkpoint != null) {
            b.append("checkpoint: ").append(checkpoint);
            if (bestCheckpoint != null) {
                b.append(" (best validation accuracy: ").append(bestCheckpoint).append(')');
            }
            b.append(nl);
        }
        b.append("metrics: ").append(metricsCsv).append(", plot: ").append(plot).append(nl);
        return b.toString();
    }

    private static String text(Path p) {
        return p == null ? null : p.toString();
    }
}
