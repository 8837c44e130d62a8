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
