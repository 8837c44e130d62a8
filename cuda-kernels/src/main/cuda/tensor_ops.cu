// Element-wise ops, channel bias, channel concat/split and reductions that cuBLAS and cuDNN lack.
// Reductions run in two deterministic passes (block partials in double, then one block), never atomics,
// so the same input always gives the same bits.
#include "cortado_common.cuh"

#define CORTADO_REDUCE_SUM 0
#define CORTADO_REDUCE_MAX 1
#define CORTADO_REDUCE_SUM_SQUARES 2

extern "C" __global__ void fill(float* t, cortado_index n, float value) {
    CORTADO_FOR_EACH(i, n) {
        t[i] = value;
    }
}

extern "C" __global__ void add(const float* a, const float* b, float* out, cortado_index n) {
    CORTADO_FOR_EACH(i, n) {
        out[i] = a[i] + b[i];
    }
}

extern "C" __global__ void multiply(const float* a, const float* b, float* out, cortado_index n) {
    CORTADO_FOR_EACH(i, n) {
        out[i] = a[i] * b[i];
    }
}

// NaN stays NaN, as on the CPU, so a diverged gradient is not hidden (fmaxf(NaN, lo) would answer lo).
extern "C" __global__ void clamp(float* t, cortado_index n, float lo, float hi) {
    CORTADO_FOR_EACH(i, n) {
        float v = t[i];
        t[i] = v < lo ? lo : (v > hi ? hi : v);
    }
}

// y [N, C, spatial] += bias [C]
extern "C" __global__ void add_channel_bias(float* y, const float* bias, cortado_index n, int channels,
                                            cortado_index spatial) {
    CORTADO_FOR_EACH(i, n) {
        y[i] += bias[(i / spatial) % channels];
    }
}

// One block per channel: db[c] = Σ over batch and space of dy[n, c, s]. blockDim = 256.
extern "C" __global__ void channel_bias_gradient(const float* dy, float* db, cortado_index batch, int channels,
                                                 cortado_index spatial) {
    __shared__ double partial[256];
    int c = blockIdx.x;
    double s = 0.0;
    cortado_index per_channel = batch * spatial;
    for (cortado_index j = threadIdx.x; j < per_channel; j += blockDim.x) {
        s += dy[((j / spatial) * channels + c) * spatial + j % spatial];
    }
    partial[threadIdx.x] = s;
    __syncthreads();
    for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride) {
            partial[threadIdx.x] += partial[threadIdx.x + stride];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        db[c] = (float) partial[0];
    }
}

// Copies a [N, part_channels, spatial] tensor into (to_whole = 1) or out of (0) channels
// [offset, offset + part_channels) of a [N, whole_channels, spatial] tensor: concat and split.
extern "C" __global__ void copy_channels(float* whole, float* part, cortado_index batch, int whole_channels,
                                         int part_channels, int offset, cortado_index spatial, int to_whole) {
    cortado_index n = batch * part_channels * spatial;
    CORTADO_FOR_EACH(i, n) {
        cortado_index s = i % spatial;
        cortado_index c = (i / spatial) % part_channels;
        cortado_index b = i / (spatial * part_channels);
        cortado_index w = (b * whole_channels + offset + c) * spatial + s;
        if (to_whole) {
            whole[w] = part[i];
        } else {
            part[i] = whole[w];
        }
    }
}

// -inf without math.h's INFINITY, which NVRTC (no standard headers) does not define.
__device__ __forceinline__ double cortado_negative_infinity() {
    return __longlong_as_double((long long) 0xfff0000000000000ULL);
}

// The maximum propagates NaN like the CPU's Math.max (fmax would drop it and hide a divergence).
__device__ __forceinline__ double cortado_reduce_combine(int op, double a, double b) {
    if (op == CORTADO_REDUCE_MAX) {
        return (a > b || a != a) ? a : b;
    }
    return a + b;
}

// Pass 1: each block reduces its grid-stride share of x into partials[blockIdx.x]. blockDim = 256.
extern "C" __global__ void reduce_partial(const float* x, cortado_index n, int op, double* partials) {
    __shared__ double shared[256];
    double acc = op == CORTADO_REDUCE_MAX ? cortado_negative_infinity() : 0.0;
    CORTADO_FOR_EACH(i, n) {
        double v = x[i];
        acc = cortado_reduce_combine(op, acc, op == CORTADO_REDUCE_SUM_SQUARES ? v * v : v);
    }
    shared[threadIdx.x] = acc;
    __syncthreads();
    for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride) {
            shared[threadIdx.x] = cortado_reduce_combine(op, shared[threadIdx.x], shared[threadIdx.x + stride]);
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = shared[0];
    }
}

// Pass 2, one block: result[slot] = reduction of partials[0, count). Sums of squares combine as sums.
extern "C" __global__ void reduce_final(const double* partials, int count, int op, double* result, int slot) {
    __shared__ double shared[256];
    int combine = op == CORTADO_REDUCE_MAX ? CORTADO_REDUCE_MAX : CORTADO_REDUCE_SUM;
    double acc = combine == CORTADO_REDUCE_MAX ? cortado_negative_infinity() : 0.0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) {
        acc = cortado_reduce_combine(combine, acc, partials[i]);
    }
    shared[threadIdx.x] = acc;
    __syncthreads();
    for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride) {
            shared[threadIdx.x] = cortado_reduce_combine(combine, shared[threadIdx.x], shared[threadIdx.x + stride]);
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        result[slot] = shared[0];
    }
}

// out[r] = index of the first largest x[r, c], as a float.
extern "C" __global__ void argmax_rows(const float* x, cortado_index rows, int classes, float* out) {
    CORTADO_FOR_EACH(r, rows) {
        const float* row = x + r * classes;
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        out[r] = (float) best;
    }
}

// hit[r] = 1 when the label's rank is below k. Rank counts the classes scoring higher, and on ties
// those with a lower index, so k = 1 agrees with argmax's first-maximum rule.
// A label that is not a class index in [0, classes) makes hit[r] NaN, never an out-of-bounds read: the
// host sees a NaN count and reports the label, as the CPU backend does.
extern "C" __global__ void topk_hits(const float* scores, const float* labels, cortado_index rows, int classes,
                                     int k, float* hit) {
    CORTADO_FOR_EACH(r, rows) {
        const float* row = scores + r * classes;
        float lf = labels[r];
        if (!cortado_is_class_index(lf, classes)) {
            hit[r] = cortado_nan();
            continue;
        }
        int label = (int) lf;
        float s = row[label];
        int rank = 0;
        for (int c = 0; c < classes; c++) {
            if (row[c] > s || (row[c] == s && c < label)) {
                rank++;
            }
        }
        hit[r] = rank < k && s == s ? 1.0f : 0.0f;  // s == s: a NaN score is never a hit
    }
}
