package dev.cortado.backend.cpu;

import dev.cortado.backend.*;
import dev.cortado.tensor.Tensor;
import java.util.List;

final class CpuOptimizers implements OptimizerOps {
    private final ParallelLoop loop;

    CpuOptimizers(ParallelLoop loop) {
        this.loop = loop;
    }

    @Override
    public void sgd(Tensor w, Tensor g, OptimizerUpdate.Sgd u) {
        throw new UnsupportedOperationException("CpuOptimizers: not implemented yet");
    }

    @Override
    public void momentum(Tensor w, Tensor g, Tensor velocity, OptimizerUpdate.Momentum u) {
        throw new UnsupportedOperationException("CpuOptimizers: not implemented yet");
    }

    @Override
    public void adaGrad(Tensor w, Tensor g, Tensor cache, OptimizerUpdate.AdaGrad u) {
        throw new UnsupportedOperationException("CpuOptimizers: not implemented yet");
    }

    @Override
    public void adaDelta(Tensor w, Tensor g, Tensor squaredGrad, Tensor squaredDelta, OptimizerUpdate.AdaDelta u) {
        throw new UnsupportedOperationException("CpuOptimizers: not implemented yet");
    }

    @Override
    public void rmsProp(Tensor w, Tensor g, Tensor cache, OptimizerUpdate.RmsProp u) {
        throw new UnsupportedOperationException("CpuOptimizers: not implemented yet");
    }

    @Override
    public void adam(Tensor w, Tensor g, Tensor m, Tensor v, OptimizerUpdate.Adam u) {
        throw new UnsupportedOperationException("CpuOptimizers: not implemented yet");
    }

    @Override
    public void addL1Gradient(Tensor w, float strength, Tensor g) {
        ShapeCheck.same("addL1Gradient", "w", w, "g", g);
        float[] wa = HostArrays.of("addL1Gradient", w);
        float[] ga = HostArrays.of("addL1Gradient", g);
        loop.forRange((int) w.size(), 1 << 15, (from, to) -> {
            for (int i = from; i < to; i++) {
                ga[i] += strength * Math.signum(wa[i]);
            }
        });
    }
}
