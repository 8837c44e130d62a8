// Pointwise activations cuDNN lacks (or implements differently), forward and derivative. Kind codes
// match dev.cortado.backend.cuda.CudaActivations.
#pragma once
#include "cortado_common.cuh"

#define CORTADO_ACT_LEAKY_RELU 0
#define CORTADO_ACT_ELU 1
#define CORTADO_ACT_SOFTPLUS 2
#define CORTADO_ACT_SWISH 3

// σ(x) evaluated on the side where exp(-|x|) cannot overflow.
CORTADO_HD float cortado_sigmoid(float x) {
    float e = expf(-fabsf(x));
    return x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

// log(1 + e^x) = max(x, 0) + log1p(e^-|x|): exact for large |x|, never overflows.
CORTADO_HD float cortado_softplus(float x) {
    return fmaxf(x, 0.0f) + log1pf(expf(-fabsf(x)));
}

CORTADO_HD float cortado_activation(int kind, float alpha, float x) {
    switch (kind) {
        case CORTADO_ACT_LEAKY_RELU: return x > 0.0f ? x : alpha * x;
        case CORTADO_ACT_ELU: return x > 0.0f ? x : alpha * expm1f(x);
        case CORTADO_ACT_SOFTPLUS: return cortado_softplus(x);
        default: return x * cortado_sigmoid(x); // swish (Ramachandran et al. 2017), β = 1
    }
}

// f'(x), given the input x and the output y = f(x).
CORTADO_HD float cortado_activation_derivative(int kind, float alpha, float x, float y) {
    switch (kind) {
        case CORTADO_ACT_LEAKY_RELU: return x > 0.0f ? 1.0f : alpha;
        case CORTADO_ACT_ELU: return x > 0.0f ? 1.0f : alpha * expf(x); // not y + α: that cancels for x << 0
        case CORTADO_ACT_SOFTPLUS: return cortado_sigmoid(x);
        default: {
            float s = cortado_sigmoid(x); // d/dx x·σ(x) = σ(x)·(1 + x·(1 - σ(x)))
            return s * (1.0f + x * (1.0f - s));
        }
    }
}
