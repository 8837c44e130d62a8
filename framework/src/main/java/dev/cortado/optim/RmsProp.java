package dev.cortado.optim;

import dev.cortado.backend.Backend;
import dev.cortado.backend.OptimizerUpdate;
import dev.cortado.tensor.Tensor;
import java.util.List;

/** Hinton's RMSProp (Coursera lecture 6e): AdaGrad with a decaying average instead of a sum. */
final class RmsProp extends Optimizer {
    private final float rho;
    private final float epsilon;

    RmsProp(Backend backend, OptimizerSpec spec) {
        super(backend, spec, List.of("rmsprop_square_avg"));
        this.rho = spec.rho();
        this.epsilon = spec.epsilon();
    }

    @Override
    protected void update(Tensor w, Tensor g, Tensor[] slots, float learningRate, float weightDecay, long step) {
        backend.optimizers().rmsProp(w, g, slots[0], new OptimizerUpdate.RmsProp(learningRate, rho, epsilon, weightDecay));
    }
}
