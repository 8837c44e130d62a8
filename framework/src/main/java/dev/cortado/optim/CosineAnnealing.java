package dev.cortado.optim;

/**
 * η_min + (η₀ − η_min)·(1 + cos(πt/T))/2 (Loshchilov and Hutter 2017, without restarts; PyTorch's
 * CosineAnnealingLR closed form). After T steps the rate stays at η_min, where PyTorch's closed
 * form would rise again along the cosine.
 */
public record CosineAnnealing(float baseRate, long totalSteps, float minRate) implements LearningRateSchedule {
    public CosineAnnealing {
        LearningRateSchedule.requireBaseRate("cosine", baseRate);
        if (totalSteps < 1) {
            throw new IllegalArgumentException("cosine schedule: totalSteps must be >= 1, got " + totalSteps);
        }
        if (!(minRate >= 0f) || Float.isInfinite(minRate)) {
            throw new IllegalArgumentException("cosine schedule: minRate must be a finite number >= 0, got " + minRate);
        }
    }

    @Override
    public float rate(long step) {
        LearningRateSchedule.requireStep("cosine", step);
        double t = Math.min(step, totalSteps);
        return (float) (minRate + (baseRate - (double) minRate) * (1.0 + Math.cos(Math.PI * t / totalSteps)) / 2.0);
    }
}
