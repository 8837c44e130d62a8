// Element-wise ops, channel bias, channel concat/split and reductions that cuBLAS and cuDNN lack; the
// math lives in tensor_math.cuh. Reductions run in two deterministic passes (block partials in double,
// then one block), never atomics, so the same input always gives the same bits.
#include "tensor_math.cuh"

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

extern "C" __global__ void clamp(float* t, cortado_index n, float lo, float hi) {
    CORTADO_FOR_EACH(i, n) {
        t[i] = cortado_clamp(t[i], lo, hi);
    }
}

// out [N, C, spatial] = (pixels / 255 - mean[c]) / std[c]: a batch shipped as 8-bit pixels (a quarter of
// the copy) and normalized here. stats holds the C means, then the C standard deviations.
extern "C" __global__ void normalize_pixels(const unsigned char* pixels, float* out, cortado_index n, int channels,
                                           cortado_index spatial, const float* stats) {
    CORTADO_FOR_EACH(i, n) {
        int c = cortado_channel_of(i, channels, spatial);
        out[i] = cortado_normalize_pixel(pixels[i], stats[c], stats[channels + c]);
    }
}

// y [N, C, spatial] += bias [C]
extern "C" __global__ void add_channel_bias(float* y, const float* bias, cortado_index n, int channels,
                                            cortado_index spatial) {
    CORTADO_FOR_EACH(i, n) {
        y[i] += bias[cortado_channel_of(i, channels, spatial)];
    }
}

// One block per channel: db[c] = Σ over batch and space of dy[n, c, s]. blockDim = CORTADO_BLOCK.
extern "C" __global__ void channel_bias_gradient(const float* dy, float* db, cortado_index batch, int channels,
                                                 cortado_index spatial) {
    int c = blockIdx.x;
    double s = 0.0;
    cortado_index per_channel = batch * spatial;
    for (cortado_index j = threadIdx.x; j < per_channel; j += blockDim.x) {
        s += dy[cortado_channel_element(j, c, channels, spatial)];
    }
    double total = cortado_block_reduce(CORTADO_REDUCE_SUM, s);
    if (threadIdx.x == 0) {
        db[c] = (float) total;
    }
}

// Copies a [N, part_channels, spatial] tensor into (to_whole = 1) or out of (0) channels
// [offset, offset + part_channels) of a [N, whole_channels, spatial] tensor: concat and split.
extern "C" __global__ void copy_channels(float* whole, float* part, cortado_index batch, int whole_channels,
                                         int part_channels, int offset, cortado_index spatial, int to_whole) {
    cortado_index n = batch * part_channels * spatial;
    CORTADO_FOR_EACH(i, n) {
        cortado_index w = cortado_part_in_whole(i, whole_channels, part_channels, offset, spatial);
        if (to_whole) {
            whole[w] = part[i];
        } else {
            part[i] = whole[w];
        }
    }
}

// Pass 1: each block reduces its grid-stride share of x into partials[blockIdx.x]. blockDim = CORTADO_BLOCK.
extern "C" __global__ void reduce_partial(const float* x, cortado_index n, int op, double* partials) {
    double acc = cortado_reduce_identity(op);
    CORTADO_FOR_EACH(i, n) {
        acc = cortado_reduce_combine(op, acc, cortado_reduce_term(op, x[i]));
    }
    double total = cortado_block_reduce(op, acc);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = total;
    }
}

// Pass 2, one block: result[slot] = reduction of partials[0, count).
extern "C" __global__ void reduce_final(const double* partials, int count, int op, double* result, int slot) {
    int combine = cortado_reduce_final_op(op);
    double acc = cortado_reduce_identity(combine);
    for (int i = threadIdx.x; i < count; i += blockDim.x) {
        acc = cortado_reduce_combine(combine, acc, partials[i]);
    }
    double total = cortado_block_reduce(combine, acc);
    if (threadIdx.x == 0) {
        result[slot] = total;
    }
}

// out[r] = index of the first largest x[r, c], as a float.
extern "C" __global__ void argmax_rows(const float* x, cortado_index rows, int classes, float* out) {
    CORTADO_FOR_EACH(r, rows) {
        out[r] = (float) cortado_argmax(x + r * classes, classes);
    }
}

// hit[r] = 1 when the label's rank among the row's scores is below k (see cortado_topk_hit; NaN for a
// label that is not a class index).
extern "C" __global__ void topk_hits(const float* scores, const float* labels, cortado_index rows, int classes,
                                     int k, float* hit) {
    CORTADO_FOR_EACH(r, rows) {
        hit[r] = cortado_topk_hit(scores + r * classes, classes, labels[r], k);
    }
}
