// Inverted dropout with the counter-based mask of dropout_rng.cuh (the CPU backend's mask).
#include "dropout_rng.cuh"

extern "C" __global__ void dropout_forward(const float* x, float* mask, float* y, cortado_index n,
                                           cortado_u64 seed, float p, float keep_scale) {
    CORTADO_FOR_EACH(i, n) {
        float m = cortado_dropout_mask(seed, (cortado_u64) i, p, keep_scale);
        mask[i] = m;
        y[i] = x[i] * m;
    }
}
