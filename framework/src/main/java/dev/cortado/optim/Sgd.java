package dev.cortado.optim;

import dev.cortado.backend.Backend;
import dev.cortado.backend.OptimizerUpdate;
import dev.cortado.tensor.Tensor;
import java.util.List;

/**
 * Stochastic gradient descent as one configuration of a general rule (as tinygrad composes it):
 * momentum 0 is plain SGD ({@code w -= lr·g}), momentum ρ > 0 is classical momentum, and
 * Nesterov's look-ahead is a flag on the same velocity update.
 */
final class Sgd extends Optimizer {
    private final float momentum;
    private final boolean nesterov;

    Sgd(Backend backend, OptimizerSpec spec) {
        super(backend, spec, spec.momentum() > 0f ? List.of("velocity") : List.of());
        this.momentum = spec.momentum();
        this.nesterov = spec.type() == OptimizerType.NESTEROV;
    }

    @Override
    protected void update(Tensor w, Tensor g, Tensor[] slots, float learningRate, float weightDecay, long step) {
        if (slots.length == 0) {
            backend.optimizers().sgd(w, g, new OptimizerUpdate.Sgd(learningRate, weightDecay));
        } else {
            backend.optimizers().momentum(w, g, slots[0],
                    new OptimizerUpdate.Momentum(learningRate, momentum, nesterov, weightDecay));
        }
    }
}
