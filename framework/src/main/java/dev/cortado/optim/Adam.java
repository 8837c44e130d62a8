package dev.cortado.optim;

import dev.cortado.backend.Backend;
import dev.cortado.backend.OptimizerUpdate;
import dev.cortado.tensor.Tensor;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015) and AdamW (Loshchilov and Hutter 2019), which differ by one flag:
 * AdamW decays the weights directly (w -= lr·λ·w) instead of adding λw to the gradient, so the
 * decay is not rescaled by the second-moment estimate.
 */
final class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final boolean decoupled;

    Adam(Backend backend, OptimizerSpec spec) {
        super(backend, spec, List.of("adam_m", "adam_v"));
        this.beta1 = spec.beta1();
        this.beta2 = spec.beta2();
        this.epsilon = spec.epsilon();
        this.decoupled = spec.type() == OptimizerType.ADAMW;
    }

    @Override
    protected void update(Tensor w, Tensor g, Tensor[] slots, float learningRate, float weightDecay, long step) {
        backend.optimizers().adam(w, g, slots[0], slots[1],
                new OptimizerUpdate.Adam(learningRate, beta1, beta2, epsilon, weightDecay, decoupled, step));
    }
}
