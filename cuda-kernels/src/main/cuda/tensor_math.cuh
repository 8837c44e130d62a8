// Element, index and row math of tensor_ops.cu (and of PReLU's per-channel kernels), one element or row
// at a time, so that the host test compiles it with g++ and compares it with Java references.
// Layouts are NCHW-like: [N, C, spatial], spatial the product of the dimensions after C.
#pragma once
#include "cortado_common.cuh"

// NaN stays NaN, as on the CPU, so a diverged gradient is not hidden (fmaxf(NaN, lo) would answer lo).
CORTADO_HD float cortado_clamp(float v, float lo, float hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

// The channel of element i of a [N, channels, spatial] tensor.
CORTADO_HD int cortado_channel_of(cortado_index i, int channels, cortado_index spatial) {
    return (int) ((i / spatial) % channels);
}

// The index of the j-th element of channel c of a [N, channels, spatial] tensor, j in [0, N·spatial):
// batch j / spatial, position j % spatial. The per-channel reductions walk a channel this way.
CORTADO_HD cortado_index cortado_channel_element(cortado_index j, int c, int channels, cortado_index spatial) {
    return ((j / spatial) * channels + c) * spatial + j % spatial;
}

// Where element i of a [N, part_channels, spatial] part lies in the [N, whole_channels, spatial] whole
// whose channels [offset, offset + part_channels) it fills: concat and split.
CORTADO_HD cortado_index cortado_part_in_whole(cortado_index i, int whole_channels, int part_channels, int offset,
                                               cortado_index spatial) {
    cortado_index s = i % spatial;
    cortado_index c = (i / spatial) % part_channels;
    cortado_index b = i / (spatial * part_channels);
    return (b * whole_channels + offset + c) * spatial + s;
}

// What one element adds to a reduction: itself, or its square for sums of squares (in double).
CORTADO_HD double cortado_reduce_term(int op, float x) {
    double v = x;
    return op == CORTADO_REDUCE_SUM_SQUARES ? v * v : v;
}

// The start of a reduction: -inf for the maximum, 0 for sums.
CORTADO_HD double cortado_reduce_identity(int op) {
    return op == CORTADO_REDUCE_MAX ? cortado_negative_infinity() : 0.0;
}

// How the second pass combines the first pass's partial results: a sum of squares' partials are sums.
CORTADO_HD int cortado_reduce_final_op(int op) {
    return op == CORTADO_REDUCE_MAX ? CORTADO_REDUCE_MAX : CORTADO_REDUCE_SUM;
}

// The index of the first largest entry of a row (the CPU's argmax rule).
CORTADO_HD int cortado_argmax(const float* row, int classes) {
    int best = 0;
    for (int c = 1; c < classes; c++) {
        if (row[c] > row[best]) {
            best = c;
        }
    }
    return best;
}

// 1 when the label's rank is below k, else 0. Rank counts the classes scoring higher, and on ties those
// with a lower index, so k = 1 agrees with argmax's first-maximum rule. A label that is not a class index
// in [0, classes) gives NaN, never an out-of-bounds read: the host sees a NaN count and reports the
// label, as the CPU backend does. A NaN score is never a hit.
CORTADO_HD float cortado_topk_hit(const float* row, int classes, float label, int k) {
    if (!cortado_is_class_index(label, classes)) {
        return cortado_nan();
    }
    int l = (int) label;
    float s = row[l];
    int rank = 0;
    for (int c = 0; c < classes; c++) {
        if (row[c] > s || (row[c] == s && c < l)) {
            rank++;
        }
    }
    return rank < k && s == s ? 1.0f : 0.0f;
}

// An 8-bit pixel normalized as the host's Normalize does it, operation for operation: p / 255 as a
// float (ByteImageDataset's table), then (x - mean) / std in float. Division and subtraction do not
// contract into an FMA, so the device gives the host's bits.
CORTADO_HD float cortado_normalize_pixel(unsigned char p, float mean, float std) {
    float unit = (float) p / 255.0f;
    return (unit - mean) / std;
}
