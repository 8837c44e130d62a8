package dev.cortado.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.backend.GradientChecker;
import dev.cortado.backend.TestTensors;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** TRAIN and EVAL: dropout and batch norm behave differently, everything else identically. */
class ModeTest {

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void dropoutIsTheIdentityInEvalAndInvertedInTrain(Backend backend) {
        float[] x = TestTensors.uniform(3, 4 * 50, 0.5f, 1.5f);
        try (Network net = NetworkBuilder.input(Shape.of(50)).dropout("drop", 0.5f).build(backend, 1);
             Tensor input = backend.upload(Shape.of(4, 50), x)) {
            net.setDropoutSeed(9);
            assertArrayEquals(x, backend.download(net.forward(input, Mode.EVAL)), "eval: y = x exactly");
            float[] y = backend.download(net.forward(input, Mode.TRAIN));
            int dropped = 0;
            for (int i = 0; i < x.length; i++) {
                if (y[i] == 0) {
                    dropped++;
                } else {
                    // Survivors are scaled by 1/(1-p) = 2, exactly in float.
                    assertEquals(2 * x[i], y[i], 0f, "element " + i);
                }
            }
            // 200 Bernoulli(0.5) draws: mean 100, standard deviation 7; 60..140 is over 5 deviations.
            assertTrue(dropped > 60 && dropped < 140, dropped + " of 200 dropped");
            float[] again = backend.download(net.forward(input, Mode.TRAIN));
            assertArrayEquals(y, again, "the same dropout seed draws the same mask");
            net.setDropoutSeed(10);
            assertFalse(Arrays.equals(y, backend.download(net.forward(input, Mode.TRAIN))),
                    "another seed, another mask");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void batchNormUsesBatchStatisticsInTrainAndRunningStatisticsInEval(Backend backend) {
        // One feature over a batch of 4: μ_B = 2.5, σ²_B = 1.25 (biased), 5/3 unbiased.
        float[] x = {1, 2, 3, 4};
        try (Network net = NetworkBuilder.input(Shape.of(1)).batchNorm("bn").build(backend, 1);
             Tensor input = backend.upload(Shape.of(4, 1), x)) {
            float[] train = backend.download(net.forward(input, Mode.TRAIN));
            double invStd = 1 / Math.sqrt(1.25 + 1e-5);
            float[] expectedTrain = new float[4];
            for (int i = 0; i < 4; i++) {
                expectedTrain[i] = (float) ((x[i] - 2.5) * invStd);
            }
            // Float32 normalization of unit-scale values: a few ulps.
            TestTensors.assertClose("train: (x - μ_B)/√(σ²_B + ε)", expectedTrain, train, 1e-5, 1e-5);

            // Running statistics moved by momentum 0.1 from (0, 1): mean 0.25, var 0.9 + 0.1·5/3.
            float runningMean = 0.25f;
            float runningVar = (float) (0.9 + 0.1 * 5.0 / 3);
            TestTensors.assertClose("running mean", new float[] {runningMean},
                    backend.download(net.buffers().get("bn.running_mean")), 1e-6, 1e-6);
            TestTensors.assertClose("running var", new float[] {runningVar},
                    backend.download(net.buffers().get("bn.running_var")), 1e-6, 1e-6);

            float[] eval = backend.download(net.forward(input, Mode.EVAL));
            float[] expectedEval = new float[4];
            for (int i = 0; i < 4; i++) {
                expectedEval[i] = (float) ((x[i] - runningMean) / Math.sqrt(runningVar + 1e-5));
            }
            TestTensors.assertClose("eval: (x - μ_run)/√(σ²_run + ε)", expectedEval, eval, 1e-5, 1e-5);
            TestTensors.assertClose("eval leaves the running mean alone", new float[] {runningMean},
                    backend.download(net.buffers().get("bn.running_mean")), 1e-6, 1e-6);
        }
        // One value per feature has no variance to estimate (PyTorch refuses it too); EVAL is fine.
        try (Network net = NetworkBuilder.input(Shape.of(3)).batchNorm("bn").build(backend, 1);
             Tensor single = backend.upload(Shape.of(1, 3), 1, 2, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> net.forward(single, Mode.TRAIN));
            assertTrue(e.getMessage().contains("'bn'") && e.getMessage().contains("[1, 3]"), e.getMessage());
            TestTensors.assertClose("eval of one sample", new float[] {1, 2, 3},
                    backend.download(net.forward(single, Mode.EVAL)), 1e-4, 1e-5);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void batchNormBackwardInEvalTreatsTheStatisticsAsConstants(Backend backend) {
        // Fine-tuning with frozen statistics: L = ⟨dy, γ·(x - μ_run)/√(σ²_run + ε) + β⟩.
        Shape shape = Shape.nchw(2, 3, 2, 2);
        float[] x = TestTensors.uniform(4, shape.intSize(), -2, 2);
        float[] dy = TestTensors.uniform(5, shape.intSize(), -1, 1);
        try (Network net = NetworkBuilder.input(Shape.of(3, 2, 2)).batchNorm("bn").build(backend, 1);
             Tensor input = backend.upload(shape, x); Tensor gradOutput = backend.upload(shape, dy)) {
            net.forward(input, Mode.TRAIN); // moves the running statistics away from (0, 1)
            Parameter gamma = net.parameters().get(0);
            backend.tensors().copyFromHost(new float[] {0.5f, -1.5f, 2f}, gamma.value());
            net.forward(input, Mode.EVAL);
            float[] dx = backend.download(net.backwardToInput(gradOutput));
            float[] dGamma = backend.download(gamma.gradient());
            GradientChecker.standard().check("eval dL/dx", x, dx, probe -> {
                backend.tensors().copyFromHost(probe, input);
                return TestTensors.dot(dy, backend.download(net.forward(input, Mode.EVAL)));
            });
            backend.tensors().copyFromHost(x, input);
            GradientChecker.standard().check("eval dL/dγ", new float[] {0.5f, -1.5f, 2f}, dGamma, probe -> {
                backend.tensors().copyFromHost(probe, gamma.value());
                return TestTensors.dot(dy, backend.download(net.forward(input, Mode.EVAL)));
            });
        }
    }
}
