package dev.cortado.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.backend.Backend;
import dev.cortado.backend.TestTensors;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The trainer is bit-reproducible only if reductions give the same bits on any number of threads:
 * the CPU backend reduces fixed blocks and combines them in order, so 1, 2, 3 and 5 threads must
 * agree exactly (zero tolerance) on inputs large enough to be split.
 */
class CpuReductionDeterminismTest {
    private static final int[] THREAD_COUNTS = {1, 2, 3, 5};

    /** The results that depend on summation order, from one backend. */
    private record Reductions(float sum, float mean, float norm, float[] convBiasGradient,
                              float[] denseBiasGradient) {
    }

    @Test
    void reductionsAreBitIdenticalOnAnyNumberOfThreads() {
        float[] values = TestTensors.uniform(7, 1_000_003, -1, 1);
        float[] image = TestTensors.uniform(8, 16 * 8 * 30 * 30, -1, 1);
        float[] dense = TestTensors.uniform(9, 5_000 * 40, -1, 1);
        Reductions reference = null;
        for (int threads : THREAD_COUNTS) {
            try (Backend backend = new CpuBackend(threads)) {
                Reductions r = reduce(backend, values, image, dense);
                if (reference == null) {
                    reference = r;
                    continue;
                }
                String on = " on " + threads + " threads";
                assertEquals(Float.floatToIntBits(reference.sum()), Float.floatToIntBits(r.sum()), "sum" + on);
                assertEquals(Float.floatToIntBits(reference.mean()), Float.floatToIntBits(r.mean()), "mean" + on);
                assertEquals(Float.floatToIntBits(reference.norm()), Float.floatToIntBits(r.norm()), "norm" + on);
                assertArrayEquals(reference.convBiasGradient(), r.convBiasGradient(), 0f, "conv bias gradient" + on);
                assertArrayEquals(reference.denseBiasGradient(), r.denseBiasGradient(), 0f, "dense bias gradient" + on);
            }
        }
    }

    private static Reductions reduce(Backend backend, float[] values, float[] image, float[] dense) {
        try (Tensor t = backend.upload(Shape.of(values.length), values);
             Tensor dyImage = backend.upload(Shape.nchw(16, 8, 30, 30), image);
             Tensor dbImage = backend.allocate(Shape.of(8));
             Tensor dyDense = backend.upload(Shape.of(5_000, 40), dense);
             Tensor dbDense = backend.allocate(Shape.of(40))) {
            backend.tensors().channelBiasGradient(dyImage, dbImage);
            backend.tensors().channelBiasGradient(dyDense, dbDense);
            return new Reductions(backend.tensors().sum(t), backend.tensors().mean(t),
                    backend.tensors().globalL2Norm(List.of(t, dyImage, dyDense)),
                    backend.download(dbImage), backend.download(dbDense));
        }
    }
}
