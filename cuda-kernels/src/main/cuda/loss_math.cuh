// Element and row math of the losses (mean reduction). The row sums run in double: a class row can
// be long and the loss is read back as one scalar per step, so accuracy is cheap here.
#pragma once
#include "cortado_common.cuh"

// Softmax cross-entropy of one row of logits against label, with label smoothing ε: the target is
// (1-ε)·onehot + ε/C. Stable through log-sum-exp: lse = max + log Σ exp(x - max).
// Returns the row's loss; when grad is non-null writes (softmax - target)·inv_batch into it.
CORTADO_HD float cortado_softmax_xent_row(const float* x, int classes, int label, float smoothing,
                                          float inv_batch, float* grad) {
    float mx = x[0];
    for (int c = 1; c < classes; c++) {
        mx = fmaxf(mx, x[c]);
    }
    double sum = 0.0;
    for (int c = 0; c < classes; c++) {
        sum += exp((double) x[c] - mx);
    }
    double lse = (double) mx + log(sum);
    double off = (double) smoothing / classes;
    double on = 1.0 - smoothing + off;
    double loss = 0.0;
    for (int c = 0; c < classes; c++) {
        double t = c == label ? on : off;
        double logp = (double) x[c] - lse;
        if (t != 0.0) {
            loss -= t * logp;
        }
        if (grad) {
            grad[c] = (float) ((exp(logp) - t) * inv_batch);
        }
    }
    return (float) loss;
}

// Binary cross-entropy from a logit z: max(z,0) - z·t + log(1 + exp(-|z|)) never overflows. The first
// two terms are written z·(1-t) for z >= 0 and -z·t below, so that a large z with t near 1 does not
// subtract two nearly equal products.
CORTADO_HD float cortado_bce_logits(float z, float t) {
    float linear = z >= 0.0f ? z * (1.0f - t) : -z * t;
    return linear + log1pf(expf(-fabsf(z)));
}

// ∂/∂z of the mean BCE: (σ(z) - t)/count. For z >= 0, σ(z) = 1 - e/(1+e) with e = exp(-z), so
// σ(z) - t = (1 - t) - e/(1+e): a confident correct logit (t = 1) keeps its tiny gradient instead of
// rounding σ to 1 and the gradient to 0.
CORTADO_HD float cortado_bce_logits_grad(float z, float t, float inv_count) {
    float e = expf(-fabsf(z));
    float tail = e / (1.0f + e);
    float diff = z >= 0.0f ? (1.0f - t) - tail : tail - t;
    return diff * inv_count;
}

CORTADO_HD float cortado_squared_error(float p, float t) {
    float d = p - t;
    return d * d;
}

// ∂/∂p of the mean squared error: 2(p - t)/count.
CORTADO_HD float cortado_squared_error_grad(float p, float t, float inv_count) {
    return 2.0f * (p - t) * inv_count;
}
