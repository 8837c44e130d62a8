package dev.cortado.optim;

import dev.cortado.backend.Backend;
import dev.cortado.backend.OptimizerUpdate;
import dev.cortado.tensor.Tensor;
import java.util.List;

/** Zeiler 2012: running averages of squared gradients and of squared updates set each step's size. */
final class AdaDelta extends Optimizer {
    private final float rho;
    private final float epsilon;

    AdaDelta(Backend backend, OptimizerSpec spec) {
        super(backend, spec, List.of("adadelta_square_avg", "adadelta_delta_avg"));
        this.rho = spec.rho();
        this.epsilon = spec.epsilon();
    }

    @Override
    protected void update(Tensor w, Tensor g, Tensor[] slots, float learningRate, float weightDecay, long step) {
        backend.optimizers().adaDelta(w, g, slots[0], slots[1],
                new OptimizerUpdate.AdaDelta(learningRate, rho, epsilon, weightDecay));
    }
}
