// Activations cuDNN lacks (leaky ReLU, softplus, swish; ELU for an exact match with the CPU), and PReLU.
#include "activation_math.cuh"
#include "tensor_math.cuh"

extern "C" __global__ void activation_forward(int kind, float alpha, const float* x, float* y, cortado_index n) {
    CORTADO_FOR_EACH(i, n) {
        y[i] = cortado_activation(kind, alpha, x[i]);
    }
}

extern "C" __global__ void activation_backward(int kind, float alpha, const float* x, const float* y,
                                               const float* dy, float* dx, cortado_index n) {
    CORTADO_FOR_EACH(i, n) {
        dx[i] = dy[i] * cortado_activation_derivative(kind, alpha, x[i], y[i]);
    }
}

// x, y: [N, C, spatial]; slope: [C].
extern "C" __global__ void prelu_forward(const float* x, const float* slope, float* y, cortado_index n,
                                         int channels, cortado_index spatial) {
    CORTADO_FOR_EACH(i, n) {
        int c = cortado_channel_of(i, channels, spatial);
        float v = x[i];
        y[i] = v > 0.0f ? v : slope[c] * v;
    }
}

extern "C" __global__ void prelu_backward_data(const float* x, const float* slope, const float* dy, float* dx,
                                               cortado_index n, int channels, cortado_index spatial) {
    CORTADO_FOR_EACH(i, n) {
        int c = cortado_channel_of(i, channels, spatial);
        dx[i] = x[i] > 0.0f ? dy[i] : slope[c] * dy[i];
    }
}

// One block per channel: dslope[c] = Σ over batch and space of dy·x where x <= 0. blockDim = CORTADO_BLOCK.
extern "C" __global__ void prelu_backward_slope(const float* x, const float* dy, float* dslope, cortado_index batch,
                                                int channels, cortado_index spatial) {
    int c = blockIdx.x;
    double s = 0.0;
    cortado_index per_channel = batch * spatial;
    for (cortado_index j = threadIdx.x; j < per_channel; j += blockDim.x) {
        cortado_index i = cortado_channel_element(j, c, channels, spatial);
        if (x[i] <= 0.0f) {
            s += (double) dy[i] * x[i];
        }
    }
    double total = cortado_block_reduce(CORTADO_REDUCE_SUM, s);
    if (threadIdx.x == 0) {
        dslope[c] = (float) total;
    }
}
