package dev.cortado.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.backend.Backend;
import dev.cortado.backend.TestTensors;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Layers reallocate their buffers when the batch size changes, and each sample's result stays its own. */
class BatchSizeTest {

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void aBatchGivesEachSampleItsSingleSampleResult(Backend backend) {
        Shape sample = Shape.of(2, 6, 6);
        float[] x = TestTensors.uniform(21, 5 * sample.intSize(), -1, 1);
        float[] dy = TestTensors.uniform(22, 5 * 3, -1, 1);
        try (Network net = NetworkBuilder.input(sample)
                .conv2d("conv", 3, 3, 1, 1).batchNorm("bn").relu("relu")
                .zeroPadShortcut("pad", 4, 2)
                .concat("cat", "pad", "pad")
                .globalAvgPool("gap").dense("fc", 3).softmax("prob")
                .build(backend, 2)) {
            // EVAL so that batch norm uses running statistics and samples do not interact.
            float[] batched;
            float[] gradBatched;
            try (Tensor in = backend.upload(Shape.of(5, 2, 6, 6), x); Tensor g = backend.upload(Shape.of(5, 3), dy)) {
                Tensor out = net.forward(in, Mode.EVAL);
                assertEquals(Shape.of(5, 3), out.shape());
                batched = backend.download(out);
                gradBatched = backend.download(net.backwardToInput(g));
            }
            int size = sample.intSize();
            for (int n = 0; n < 5; n++) {
                try (Tensor in = backend.upload(Shape.of(1, 2, 6, 6), Arrays.copyOfRange(x, n * size, (n + 1) * size));
                     Tensor g = backend.upload(Shape.of(1, 3), Arrays.copyOfRange(dy, n * 3, n * 3 + 3))) {
                    Tensor out = net.forward(in, Mode.EVAL);
                    assertEquals(Shape.of(1, 3), out.shape());
                    // The same float ops per sample, but GEMM blocking may sum in another order: 1e-6.
                    TestTensors.assertClose("sample " + n, Arrays.copyOfRange(batched, n * 3, n * 3 + 3),
                            backend.download(out), 1e-6, 1e-5);
                    TestTensors.assertClose("gradient of sample " + n,
                            Arrays.copyOfRange(gradBatched, n * size, (n + 1) * size),
                            backend.download(net.backwardToInput(g)), 1e-6, 1e-5);
                }
            }
        }
    }
}
