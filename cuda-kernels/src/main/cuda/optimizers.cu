// Fused optimizer updates, one launch per parameter tensor; the math lives in optimizer_math.cuh.
#include "optimizer_math.cuh"

extern "C" __global__ void sgd_update(float* w, const float* g, cortado_index n, float lr, float wd) {
    CORTADO_FOR_EACH(i, n) {
        cortado_sgd(&w[i], g[i], lr, wd);
    }
}

extern "C" __global__ void momentum_update(float* w, const float* g, float* v, cortado_index n, float lr,
                                           float rho, int nesterov, float wd) {
    CORTADO_FOR_EACH(i, n) {
        cortado_momentum(&w[i], &v[i], g[i], lr, rho, nesterov, wd);
    }
}

extern "C" __global__ void adagrad_update(float* w, const float* g, float* cache, cortado_index n, float lr,
                                          float eps, float wd) {
    CORTADO_FOR_EACH(i, n) {
        cortado_adagrad(&w[i], &cache[i], g[i], lr, eps, wd);
    }
}

extern "C" __global__ void adadelta_update(float* w, const float* g, float* sq_grad, float* sq_delta,
                                           cortado_index n, float lr, float rho, float eps, float wd) {
    CORTADO_FOR_EACH(i, n) {
        cortado_adadelta(&w[i], &sq_grad[i], &sq_delta[i], g[i], lr, rho, eps, wd);
    }
}

extern "C" __global__ void rmsprop_update(float* w, const float* g, float* cache, cortado_index n, float lr,
                                          float rho, float eps, float wd) {
    CORTADO_FOR_EACH(i, n) {
        cortado_rmsprop(&w[i], &cache[i], g[i], lr, rho, eps, wd);
    }
}

extern "C" __global__ void adam_update(float* w, const float* g, float* m, float* v, cortado_index n, float lr,
                                       float beta1, float beta2, float eps, float wd, int decoupled,
                                       float bc1, float bc2) {
    CORTADO_FOR_EACH(i, n) {
        cortado_adam(&w[i], &m[i], &v[i], g[i], lr, beta1, beta2, eps, wd, decoupled, bc1, bc2);
    }
}

extern "C" __global__ void add_l1_gradient(const float* w, float* g, cortado_index n, float strength) {
    CORTADO_FOR_EACH(i, n) {
        g[i] = cortado_l1_gradient(g[i], w[i], strength);
    }
}
