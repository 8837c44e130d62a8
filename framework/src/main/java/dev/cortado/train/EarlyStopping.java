package dev.cortado.train;

import java.util.Map;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Stops training when the validation top-1 accuracy has not improved by more than {@code minDelta}
 * for {@code patience} consecutive epochs (Keras's EarlyStopping, monitoring accuracy).
 */
public final class EarlyStopping implements TrainingListener {
    private static final Logger LOG = LogManager.getLogger(EarlyStopping.class);
    static final String BEST_KEY = "early_stopping.best";
    static final String WAITED_KEY = "early_stopping.epochs_without_improvement";

    private final int patience;
    private final double minDelta;
    private double best = Double.NEGATIVE_INFINITY;
    private int epochsWithoutImprovement;

    public EarlyStopping(int patience, double minDelta) {
        if (patience < 1) {
            throw new IllegalArgumentException("early stopping: patience must be at least 1 epoch, got " + patience);
        }
        this.patience = patience;
        this.minDelta = minDelta;
    }

    @Override
    public Map<String, String> checkpointState() {
        return best == Double.NEGATIVE_INFINITY ? Map.of()
                : Map.of(BEST_KEY, Double.toString(best), WAITED_KEY, Integer.toString(epochsWithoutImprovement));
    }

    @Override
    public void restoreState(Map<String, String> metadata) {
        if (metadata.containsKey(BEST_KEY)) {
            best = Double.parseDouble(metadata.get(BEST_KEY));
            epochsWithoutImprovement = Integer.parseInt(metadata.getOrDefault(WAITED_KEY, "0"));
        }
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochResult result) {
        if (result.validation() == null) {
            return;
        }
        double accuracy = result.validation().top1();
        if (accuracy > best + minDelta) {
            best = accuracy;
            epochsWithoutImprovement = 0;
        } else if (++epochsWithoutImprovement >= patience) {
            LOG.info("early stopping after epoch {}: validation accuracy has not improved on {} for {} epochs",
                    result.epoch() + 1, String.format("%.4f", best), patience);
            trainer.stop();
        }
    }

    public boolean stoppedEarly() {
        return epochsWithoutImprovement >= patience;
    }
}
