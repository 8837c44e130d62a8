package dev.cortado.backend;

/** Hyperparameters of one fused optimizer update; the formulas are on {@link OptimizerOps}. */
public sealed interface OptimizerUpdate {
    float learningRate();

    float weightDecay();

    record Sgd(float learningRate, float weightDecay) implements OptimizerUpdate {
    }

    record Momentum(float learningRate, float momentum, boolean nesterov, float weightDecay)
            implements OptimizerUpdate {
    }

    record AdaGrad(float learningRate, float epsilon, float weightDecay) implements OptimizerUpdate {
    }

    record AdaDelta(float learningRate, float rho, float epsilon, float weightDecay) implements OptimizerUpdate {
    }

    record RmsProp(float learningRate, float rho, float epsilon, float weightDecay) implements OptimizerUpdate {
    }

    /** {@code step} counts updates from 1 and drives the bias correction. */
    record Adam(float learningRate, float beta1, float beta2, float epsilon, float weightDecay,
                boolean decoupled, long step) implements OptimizerUpdate {
        public Adam {
            if (step < 1) {
                throw new IllegalArgumentException("adam: step counts from 1, got " + step);
            }
        }
    }
}
