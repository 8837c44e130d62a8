// Loss kernels: per-row (softmax cross-entropy) or per-element (BCE, MSE) terms; the batch mean is
// a reduction over the written terms (reductions.cu), so no atomics and a deterministic sum.
#include "loss_math.cuh"

// One thread per row of logits [rows, classes]; grad may be null (loss only). A label that is not a class
// index makes the row's loss NaN (its gradient row is left alone): the host then finds and names it.
extern "C" __global__ void softmax_xent_rows(const float* logits, const float* labels, cortado_index rows,
                                             int classes, float smoothing, float inv_batch,
                                             float* row_loss, float* grad) {
    CORTADO_FOR_EACH(r, rows) {
        float label = labels[r];
        if (!cortado_is_class_index(label, classes)) {
            row_loss[r] = cortado_nan();
            continue;
        }
        const float* x = logits + r * classes;
        float* g = grad ? grad + r * classes : 0;
        row_loss[r] = cortado_softmax_xent_row(x, classes, (int) label, smoothing, inv_batch, g);
    }
}

extern "C" __global__ void bce_logits_elements(const float* z, const float* t, cortado_index n, float inv_count,
                                               float* loss, float* grad) {
    CORTADO_FOR_EACH(i, n) {
        loss[i] = cortado_bce_logits(z[i], t[i]);
        if (grad) {
            grad[i] = cortado_bce_logits_grad(z[i], t[i], inv_count);
        }
    }
}

extern "C" __global__ void squared_error_elements(const float* p, const float* t, cortado_index n,
                                                  float inv_count, float* loss, float* grad) {
    CORTADO_FOR_EACH(i, n) {
        loss[i] = cortado_squared_error(p[i], t[i]);
        if (grad) {
            grad[i] = cortado_squared_error_grad(p[i], t[i], inv_count);
        }
    }
}
