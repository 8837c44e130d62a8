// The counter-based generator of dev.cortado.backend.CounterRng: SplitMix64's finalizer (Steele,
// Lea and Flood 2014) applied to seed + (index+1)·golden gamma. Every element's draw is a pure
// function of (seed, index), so the CPU and CUDA backends produce the same dropout mask.
#pragma once
#include "cortado_common.cuh"

CORTADO_HD cortado_u64 cortado_rng_hash(cortado_u64 seed, cortado_u64 index) {
    cortado_u64 z = seed + (index + 1ULL) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// A float in [0, 1) from the top 24 bits: exact, so host and device agree bit for bit.
CORTADO_HD float cortado_rng_uniform(cortado_u64 seed, cortado_u64 index) {
    return (float) (cortado_rng_hash(seed, index) >> 40) * 5.9604644775390625e-8f; // 2^-24
}

// Inverted dropout: keep when u >= p, scaled by keep_scale = 1/(1-p) (computed once by the caller).
CORTADO_HD float cortado_dropout_mask(cortado_u64 seed, cortado_u64 index, float p, float keep_scale) {
    return cortado_rng_uniform(seed, index) >= p ? keep_scale : 0.0f;
}
