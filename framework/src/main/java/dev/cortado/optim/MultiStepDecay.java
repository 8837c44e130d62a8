package dev.cortado.optim;

import java.util.List;

/**
 * lr·γ^k where k is the number of milestones ≤ t: the rate drops by γ on reaching each milestone
 * (PyTorch's MultiStepLR, Caffe's "multistep").
 */
public record MultiStepDecay(float baseRate, List<Long> milestones, float gamma) implements LearningRateSchedule {
    public MultiStepDecay {
        LearningRateSchedule.requireBaseRate("multistep", baseRate);
        ExponentialDecay.requireGamma("multistep", gamma);
        milestones = List.copyOf(milestones);
        long previous = 0;
        for (long m : milestones) {
            if (m <= previous) {
                throw new IllegalArgumentException("multistep schedule: milestones must be increasing and >= 1, got "
                        + milestones);
            }
            previous = m;
        }
    }

    @Override
    public float rate(long step) {
        LearningRateSchedule.requireStep("multistep", step);
        int reached = 0;
        while (reached < milestones.size() && milestones.get(reached) <= step) {
            reached++;
        }
        return (float) (baseRate * Math.pow(gamma, reached));
    }
}
