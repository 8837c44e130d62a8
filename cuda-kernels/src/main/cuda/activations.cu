// Activations cuDNN lacks (leaky ReLU, softplus, swish; ELU for an exact match with the CPU), and PReLU.
#include "activation_math.cuh"

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
        int c = (int) ((i / spatial) % channels);
        float v = x[i];
        y[i] = v > 0.0f ? v : slope[c] * v;
    }
}

extern "C" __global__ void prelu_backward_data(const float* x, const float* slope, const float* dy, float* dx,
                                               cortado_index n, int channels, cortado_index spatial) {
    CORTADO_FOR_EACH(i, n) {
        int c = (int) ((i / spatial) % channels);
        dx[i] = x[i] > 0.0f ? dy[i] : slope[c] * dy[i];
    }
}

// One block per channel: dslope[c] = Σ over batch and space of dy·x where x <= 0. blockDim = 256.
extern "C" __global__ void prelu_backward_slope(const float* x, const float* dy, float* dslope, cortado_index batch,
                                                int channels, cortado_index spatial) {
    __shared__ double partial[256];
    int c = blockIdx.x;
    double s = 0.0;
    cortado_index per_channel = batch * spatial;
    for (cortado_index j = threadIdx.x; j < per_channel; j += blockDim.x) {
        cortado_index i = ((j / spatial) * channels + c) * spatial + j % spatial;
        if (x[i] <= 0.0f) {
            s += (double) dy[i] * x[i];
        }
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
        dslope[c] = (float) partial[0];
    }
}
