package dev.cortado.backend.cpu;

import dev.cortado.backend.OptimizerOps;
import dev.cortado.backend.OptimizerUpdate;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Tensor;

/**
 * The fused updates of {@link OptimizerOps}, one pass over the parameter per call. Each loop body is
 * the per-element formula in float arithmetic, written in the order the CUDA kernels evaluate it;
 * L2 weight decay enters as {@code g + wd·w} (except in AdamW) and the updates only read the gradient;
 * {@link #addL1Gradient} is the one op that writes it.
 */
final class CpuOptimizers implements OptimizerOps {
    /** Elements a worker takes at least; an update is a few flops per element. */
    private static final int GRAIN = 1 << 15;

    private final ParallelLoop loop;

    CpuOptimizers(ParallelLoop loop) {
        this.loop = loop;
    }

    @Override
    public void sgd(Tensor w, Tensor g, OptimizerUpdate.Sgd u) {
        OptimizerOps.checkUpdate("sgd", w, g);
        float[] ws = HostArrays.of("sgd", w);
        float[] gs = HostArrays.of("sgd", g);
        float lr = u.learningRate();
        float wd = u.weightDecay();
        loop.forRange(w.shape().intSize(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float dx = gs[i] + wd * ws[i];
                ws[i] = ws[i] - lr * dx;
            }
        });
    }

    @Override
    public void momentum(Tensor w, Tensor g, Tensor velocity, OptimizerUpdate.Momentum u) {
        String op = u.nesterov() ? "nesterov" : "momentum";
        OptimizerOps.checkUpdate(op, w, g);
        ShapeCheck.same(op, "w", w, "velocity", velocity);
        float[] ws = HostArrays.of(op, w);
        float[] gs = HostArrays.of(op, g);
        float[] vs = HostArrays.of(op, velocity);
        float lr = u.learningRate();
        float rho = u.momentum();
        float wd = u.weightDecay();
        boolean nesterov = u.nesterov();
        loop.forRange(w.shape().intSize(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float dx = gs[i] + wd * ws[i];
                float vOld = vs[i];
                float v = rho * vOld - lr * dx;
                vs[i] = v;
                // Nesterov in the decks' change of variables: x += -ρ·v_old + (1+ρ)·v.
                ws[i] = nesterov ? ws[i] + (-rho * vOld + (1 + rho) * v) : ws[i] + v;
            }
        });
    }

    @Override
    public void adaGrad(Tensor w, Tensor g, Tensor cache, OptimizerUpdate.AdaGrad u) {
        scaledByCache("adaGrad", w, g, cache, u.learningRate(), u.epsilon(), u.weightDecay(), false, 0f);
    }

    @Override
    public void adaDelta(Tensor w, Tensor g, Tensor squaredGrad, Tensor squaredDelta, OptimizerUpdate.AdaDelta u) {
        OptimizerOps.checkUpdate("adaDelta", w, g);
        ShapeCheck.same("adaDelta", "w", w, "squaredGrad", squaredGrad);
        ShapeCheck.same("adaDelta", "w", w, "squaredDelta", squaredDelta);
        float[] ws = HostArrays.of("adaDelta", w);
        float[] gs = HostArrays.of("adaDelta", g);
        float[] eg2 = HostArrays.of("adaDelta", squaredGrad);
        float[] ed2 = HostArrays.of("adaDelta", squaredDelta);
        float lr = u.learningRate();
        float rho = u.rho();
        float eps = u.epsilon();
        float wd = u.weightDecay();
        loop.forRange(w.shape().intSize(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float dx = gs[i] + wd * ws[i];
                float g2 = rho * eg2[i] + (1 - rho) * dx * dx;
                // Zeiler 2012, Algorithm 1: RMS[Δx]_{t-1} / RMS[g]_t, so the step has the units of x.
                float delta = -sqrt(ed2[i] + eps) / sqrt(g2 + eps) * dx;
                eg2[i] = g2;
                ed2[i] = rho * ed2[i] + (1 - rho) * delta * delta;
                ws[i] = ws[i] + lr * delta;
            }
        });
    }

    @Override
    public void rmsProp(Tensor w, Tensor g, Tensor cache, OptimizerUpdate.RmsProp u) {
        scaledByCache("rmsProp", w, g, cache, u.learningRate(), u.epsilon(), u.weightDecay(), true, u.rho());
    }

    /**
     * AdaGrad (cache += dx²) and, with {@code decay}, RMSProp (cache = ρ·cache + (1-ρ)·dx²); both then
     * step by lr·dx / (√cache + ε). The branch on {@code decay} is loop-invariant, as in {@link #momentum}
     * and {@link #adam}, and each arm is the update's own formula, so results are those of two separate loops.
     */
    private void scaledByCache(String op, Tensor w, Tensor g, Tensor cache, float lr, float eps, float wd,
                               boolean decay, float rho) {
        OptimizerOps.checkUpdate(op, w, g);
        ShapeCheck.same(op, "w", w, "cache", cache);
        float[] ws = HostArrays.of(op, w);
        float[] gs = HostArrays.of(op, g);
        float[] cs = HostArrays.of(op, cache);
        loop.forRange(w.shape().intSize(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float dx = gs[i] + wd * ws[i];
                float c = decay ? rho * cs[i] + (1 - rho) * dx * dx : cs[i] + dx * dx;
                cs[i] = c;
                ws[i] = ws[i] - lr * dx / (sqrt(c) + eps);
            }
        });
    }

    @Override
    public void adam(Tensor w, Tensor g, Tensor m, Tensor v, OptimizerUpdate.Adam u) {
        String op = u.decoupled() ? "adamW" : "adam";
        OptimizerOps.checkUpdate(op, w, g);
        ShapeCheck.same(op, "w", w, "m", m);
        ShapeCheck.same(op, "w", w, "v", v);
        float[] ws = HostArrays.of(op, w);
        float[] gs = HostArrays.of(op, g);
        float[] ms = HostArrays.of(op, m);
        float[] vs = HostArrays.of(op, v);
        float lr = u.learningRate();
        float beta1 = u.beta1();
        float beta2 = u.beta2();
        float eps = u.epsilon();
        float wd = u.weightDecay();
        boolean decoupled = u.decoupled();
        // The bias corrections 1 - β^t are one number per step: computed once in double (β^t for a
        // large t underflows to 0 harmlessly) and handed to the loop as floats, as to a kernel.
        float correction1 = (float) (1 - Math.pow(beta1, u.step()));
        float correction2 = (float) (1 - Math.pow(beta2, u.step()));
        loop.forRange(w.shape().intSize(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float x = ws[i];
                float dx = gs[i];
                if (decoupled) {
                    // AdamW: shrink the weight first, outside the moment estimates (PyTorch's order).
                    x = x - lr * wd * x;
                } else {
                    dx = dx + wd * x;
                }
                float m1 = beta1 * ms[i] + (1 - beta1) * dx;
                float m2 = beta2 * vs[i] + (1 - beta2) * dx * dx;
                ms[i] = m1;
                vs[i] = m2;
                float mHat = m1 / correction1;
                float vHat = m2 / correction2;
                ws[i] = x - lr * mHat / (sqrt(vHat) + eps);
            }
        });
    }

    /** Correctly rounded float square root, as CUDA's sqrtf. */
    private static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }

    @Override
    public void addL1Gradient(Tensor w, float strength, Tensor g) {
        ShapeCheck.same("addL1Gradient", "w", w, "g", g);
        float[] ws = HostArrays.of("addL1Gradient", w);
        float[] gs = HostArrays.of("addL1Gradient", g);
        // d/dw strength·|w| = strength·sign(w), with the subgradient 0 at w = 0 (signum(0) = 0).
        loop.forRange(w.shape().intSize(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                gs[i] = gs[i] + strength * Math.signum(ws[i]);
            }
        });
    }
}
