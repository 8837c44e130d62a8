// Shared by every Cortado kernel and by the host test that compiles the math headers with g++
// (which defines __host__, __device__ and __forceinline__ away). NVRTC has the math functions
// built in and no standard headers, so math.h is included only outside NVRTC.
#pragma once
#ifndef __CUDACC_RTC__
#include <math.h>
#endif

#define CORTADO_HD __host__ __device__ __forceinline__

// 64-bit element counts: a tensor may hold more than 2^31 floats.
typedef long long cortado_index;
typedef unsigned long long cortado_u64;

// Grid-stride loop (one launch covers any n whatever the grid size).
#define CORTADO_FOR_EACH(i, n) \
    for (cortado_index i = (cortado_index) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (cortado_index) blockDim.x * gridDim.x)

// A label stored as a float names a class when it is an integer in [0, classes); NaN is not.
CORTADO_HD bool cortado_is_class_index(float label, int classes) {
    return label >= 0.0f && label < (float) classes && floorf(label) == label;
}

// A quiet NaN without math.h's NAN, which NVRTC (no standard headers) does not define.
CORTADO_HD float cortado_nan() {
    union { unsigned int bits; float value; } u;
    u.bits = 0x7fc00000u;
    return u.value;
}

// -inf without math.h's INFINITY, for the same reason.
CORTADO_HD double cortado_negative_infinity() {
    union { unsigned long long bits; double value; } u;
    u.bits = 0xfff0000000000000ULL;
    return u.value;
}

// How a reduction combines two partial results (the op codes of dev.cortado.backend.cuda.CudaReductions).
#define CORTADO_REDUCE_SUM 0
#define CORTADO_REDUCE_MAX 1
#define CORTADO_REDUCE_SUM_SQUARES 2

// The maximum propagates NaN like the CPU's Math.max (fmax would drop it and hide a divergence). Sums of
// squares combine their partial sums as sums.
CORTADO_HD double cortado_reduce_combine(int op, double a, double b) {
    if (op == CORTADO_REDUCE_MAX) {
        return (a > b || a != a) ? a : b;
    }
    return a + b;
}

#ifdef __CUDACC__
// Threads per block of every launch: dev.cortado.backend.cuda.CudaKernels.BLOCK.
#define CORTADO_BLOCK 256

// Tree reduction across the block (blockDim.x a power of two, at most CORTADO_BLOCK): each thread brings
// its value; every thread gets the block's total, combined in a fixed order, so the same input always
// gives the same bits. Call it once per kernel, from every thread of the block (it synchronizes).
__device__ __forceinline__ double cortado_block_reduce(int op, double value) {
    __shared__ double shared[CORTADO_BLOCK];
    shared[threadIdx.x] = value;
    __syncthreads();
    for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride) {
            shared[threadIdx.x] = cortado_reduce_combine(op, shared[threadIdx.x], shared[threadIdx.x + stride]);
        }
        __syncthreads();
    }
    return shared[0];
}
#endif
