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
