package dev.cortado.optim;

import dev.cortado.backend.Backend;
import dev.cortado.backend.OptimizerUpdate;
import dev.cortado.tensor.Tensor;
import java.util.List;

/** Duchi, Hazan and Singer 2011: each weight's step shrinks with its accumulated squared gradient. */
final class AdaGrad extends Optimizer {
    private final float epsilon;

    AdaGrad(Backend backend, OptimizerSpec spec) {
        super(backend, spec, List.of("adagrad_sum"));
        this.epsilon = spec.epsilon();
    }

    @Override
    protected void update(Tensor w, Tensor g, Tensor[] slots, float learningRate, float weightDecay, long step) {
        backend.optimizers().adaGrad(w, g, slots[0], new OptimizerUpdate.AdaGrad(learningRate, epsilon, weightDecay));
    }
}
