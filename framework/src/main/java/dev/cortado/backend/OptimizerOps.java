package dev.cortado.backend;

import dev.cortado.tensor.Tensor;

/**
 * Fused optimizer updates, one call per parameter tensor, in the lecture decks' form. State tensors
 * have the parameter's shape, live on the parameter's device and start at zero. Except for AdamW,
 * weight decay is L2: the gradient becomes g + weightDecay·w before the update. The gradient
 * tensor is not modified.
 */
public interface OptimizerOps {
    /** w -= lr·g. */
    void sgd(Tensor w, Tensor g, OptimizerUpdate.Sgd u);

    /**
     * Classical momentum {@code v = ρv - lr·g; w += v}, or with Nesterov
     * {@code v_old = v; v = ρv - lr·g; w += -ρ·v_old + (1+ρ)·v}.
     */
    void momentum(Tensor w, Tensor g, Tensor velocity, OptimizerUpdate.Momentum u);

    /** {@code cache += g²; w -= lr·g/(sqrt(cache) + ε)}. */
    void adaGrad(Tensor w, Tensor g, Tensor cache, OptimizerUpdate.AdaGrad u);

    /**
     * Zeiler 2012: {@code E[g²] = ρE[g²] + (1-ρ)g²; Δ = -sqrt(E[Δ²] + ε)/sqrt(E[g²] + ε)·g;
     * E[Δ²] = ρE[Δ²] + (1-ρ)Δ²; w += lr·Δ}.
     */
    void adaDelta(Tensor w, Tensor g, Tensor squaredGrad, Tensor squaredDelta, OptimizerUpdate.AdaDelta u);

    /** {@code cache = ρ·cache + (1-ρ)g²; w -= lr·g/(sqrt(cache) + ε)}. */
    void rmsProp(Tensor w, Tensor g, Tensor cache, OptimizerUpdate.RmsProp u);

    /**
     * Kingma and Ba 2015 with bias correction at step t (from 1):
     * {@code m = β1·m + (1-β1)g; v = β2·v + (1-β2)g²; w -= lr·(m/(1-β1^t))/(sqrt(v/(1-β2^t)) + ε)};
     * with {@code decoupled} (AdamW, Loshchilov and Hutter 2019) also {@code w -= lr·weightDecay·w}
     * instead of adding the decay to g.
     */
    void adam(Tensor w, Tensor g, Tensor m, Tensor v, OptimizerUpdate.Adam u);

    /** {@code g += strength·sign(w)}: the gradient of an L1 penalty strength·Σ|w|, added before an update. */
    void addL1Gradient(Tensor w, float strength, Tensor g);

    /** Both backends' check of an update: g matches w and is a tensor of its own (the update overwrites w). */
    static void checkUpdate(String op, Tensor w, Tensor g) {
        ShapeCheck.same(op, "w", w, "g", g);
        if (w.buffer() == g.buffer()) {
            throw new IllegalArgumentException(op + ": w " + w + " and g " + g + " share one buffer;"
                    + " the gradient must be a tensor of its own");
        }
    }
}
