// Element math of the fused optimizer updates, one parameter element at a time. The formulas are
// the lecture decks' (and OptimizerOps' javadoc); the CPU backend implements the same ones in the
// same float order, and KernelMathHostTest compares these with that order on the host. State is
// passed by pointer so that the functions are plain C and compile unchanged for host and device.
#pragma once
#include "cortado_common.cuh"

// L2 weight decay folded into the gradient: d/dw (wd/2 · w²) = wd·w.
CORTADO_HD float cortado_l2_gradient(float g, float w, float weight_decay) {
    return g + weight_decay * w;
}

// w -= lr·g
CORTADO_HD void cortado_sgd(float* w, float g, float lr, float weight_decay) {
    g = cortado_l2_gradient(g, *w, weight_decay);
    *w = *w - lr * g;
}

// v = ρv - lr·g; classical: w += v; Nesterov (decks' form): w += -ρ·v_old + (1+ρ)·v
CORTADO_HD void cortado_momentum(float* w, float* v, float g, float lr, float rho, int nesterov,
                                 float weight_decay) {
    g = cortado_l2_gradient(g, *w, weight_decay);
    float v_old = *v;
    float v_new = rho * v_old - lr * g;
    *v = v_new;
    if (nesterov) {
        *w = *w + (-rho * v_old + (1.0f + rho) * v_new);
    } else {
        *w = *w + v_new;
    }
}

// Duchi et al. 2011: cache += g²; w -= lr·g/(sqrt(cache) + ε)
CORTADO_HD void cortado_adagrad(float* w, float* cache, float g, float lr, float eps, float weight_decay) {
    g = cortado_l2_gradient(g, *w, weight_decay);
    float c = *cache + g * g;
    *cache = c;
    *w = *w - lr * g / (sqrtf(c) + eps);
}

// Zeiler 2012: E[g²] = ρE[g²] + (1-ρ)g²; Δ = -sqrt(E[Δ²] + ε)/sqrt(E[g²] + ε)·g;
// E[Δ²] = ρE[Δ²] + (1-ρ)Δ²; w += lr·Δ
CORTADO_HD void cortado_adadelta(float* w, float* sq_grad, float* sq_delta, float g, float lr, float rho,
                                 float eps, float weight_decay) {
    g = cortado_l2_gradient(g, *w, weight_decay);
    float eg = rho * *sq_grad + (1.0f - rho) * g * g;
    *sq_grad = eg;
    float delta = -sqrtf(*sq_delta + eps) / sqrtf(eg + eps) * g;
    *sq_delta = rho * *sq_delta + (1.0f - rho) * delta * delta;
    *w = *w + lr * delta;
}

// Hinton's lecture 6e: cache = ρ·cache + (1-ρ)g²; w -= lr·g/(sqrt(cache) + ε)
CORTADO_HD void cortado_rmsprop(float* w, float* cache, float g, float lr, float rho, float eps,
                                float weight_decay) {
    g = cortado_l2_gradient(g, *w, weight_decay);
    float c = rho * *cache + (1.0f - rho) * g * g;
    *cache = c;
    *w = *w - lr * g / (sqrtf(c) + eps);
}

// Kingma and Ba 2015 with bias correction; the host passes bc1 = 1-β1^t and bc2 = 1-β2^t (computed
// in double there, once per step). decoupled = AdamW (Loshchilov and Hutter 2019): the decay shrinks
// w directly, before the Adam step, instead of entering the moments through g.
CORTADO_HD void cortado_adam(float* w, float* m, float* v, float g, float lr, float beta1, float beta2,
                             float eps, float weight_decay, int decoupled, float bc1, float bc2) {
    float wv = *w;
    if (decoupled) {
        wv = wv - lr * weight_decay * wv;
    } else {
        g = cortado_l2_gradient(g, wv, weight_decay);
    }
    float mv = beta1 * *m + (1.0f - beta1) * g;
    float vv = beta2 * *v + (1.0f - beta2) * g * g;
    *m = mv;
    *v = vv;
    float m_hat = mv / bc1;
    float v_hat = vv / bc2;
    *w = wv - lr * m_hat / (sqrtf(v_hat) + eps);
}

// d/dw strength·|w| = strength·sign(w), with sign(0) = 0.
CORTADO_HD float cortado_l1_gradient(float g, float w, float strength) {
    float s = w > 0.0f ? 1.0f : (w < 0.0f ? -1.0f : 0.0f);
    return g + strength * s;
}
