package dev.cortado.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.backend.Backend;
import dev.cortado.backend.GradientChecker;
import dev.cortado.backend.TestTensors;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Small networks whose outputs are worked out by hand. */
class LayerValuesTest {

    private static void set(Backend backend, Network net, String name, float... values) {
        Parameter p = net.parameters().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
        backend.tensors().copyFromHost(values, p.value());
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void denseComputesXTimesWTransposedPlusBiasOnAFlattenedFeatureMap(Backend backend) {
        // x [1, 1, 2, 2] = (1, 2, 3, 4) read as 4 features; W [2, 4]; y_j = Σ_i W[j, i]·x_i + b_j.
        try (Network net = NetworkBuilder.input(Shape.of(1, 2, 2)).dense("fc", 2).build(backend, 1);
             Tensor x = backend.upload(Shape.nchw(1, 1, 2, 2), 1, 2, 3, 4);
             Tensor dy = backend.upload(Shape.of(1, 2), 1, -1)) {
            set(backend, net, "fc.weight", 1, 0, 0, 1, 0.5f, 0.5f, 0.5f, 0.5f);
            set(backend, net, "fc.bias", 10, 20);
            // y_0 = 1 + 4 + 10 = 15; y_1 = 0.5·10 + 20 = 25.
            TestTensors.assertClose("y", new float[] {15, 25}, backend.download(net.forward(x, Mode.EVAL)), 0, 1e-6);
            Tensor dx = net.backwardToInput(dy);
            assertEquals(Shape.nchw(1, 1, 2, 2), dx.shape(), "dx has the input's shape, not the flattened one");
            // dx = dy·W = (1 - 0.5, -0.5, -0.5, 1 - 0.5); dW = dyᵀ·x; db = dy.
            TestTensors.assertClose("dx", new float[] {0.5f, -0.5f, -0.5f, 0.5f}, backend.download(dx), 0, 1e-6);
            TestTensors.assertClose("dW", new float[] {1, 2, 3, 4, -1, -2, -3, -4},
                    backend.download(net.parameters().get(0).gradient()), 0, 1e-6);
            TestTensors.assertClose("db", new float[] {1, -1},
                    backend.download(net.parameters().get(1).gradient()), 0, 0);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void zeroPadShortcutSubsamplesAndPadsChannelsOnBothSides(Backend backend) {
        // [1, 2, 4, 4] -> stride 2 keeps rows and columns 0 and 2; 2 -> 6 channels puts 2 zero
        // channels before and 2 after, as F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, 2, 2)).
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = i + 1;
        }
        try (Network net = NetworkBuilder.input(Shape.of(2, 4, 4)).zeroPadShortcut("short", 6, 2).build(backend, 1);
             Tensor input = backend.upload(Shape.nchw(1, 2, 4, 4), x)) {
            Tensor y = net.forward(input, Mode.TRAIN);
            assertEquals(Shape.nchw(1, 6, 2, 2), y.shape());
            float[] expected = new float[24];
            float[] kept = {1, 3, 9, 11, 17, 19, 25, 27};
            System.arraycopy(kept, 0, expected, 8, 8);
            TestTensors.assertClose("y", expected, backend.download(y), 0, 0);
            assertEquals(0, net.parameterCount(), "option A adds no parameters");

            float[] dy = TestTensors.uniform(6, 24, -1, 1);
            try (Tensor g = backend.upload(y.shape(), dy)) {
                float[] dx = backend.download(net.backwardToInput(g));
                // The gradient of the kept pixels is dy of the middle channels; the others get 0.
                float[] expectedDx = new float[32];
                int[] keptIndex = {0, 2, 8, 10, 16, 18, 24, 26};
                for (int k = 0; k < 8; k++) {
                    expectedDx[keptIndex[k]] = dy[8 + k];
                }
                TestTensors.assertClose("dx", expectedDx, dx, 0, 0);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void residualGradientsAreSummedOverEveryUse(Backend backend) {
        // y = x + x + relu(x) with the input read three times: dL/dx = dy·(2 + [x > 0]).
        float[] x = {-1, 2, -3, 4};
        float[] dy = {1, 1, 0.5f, 0.5f};
        try (Network net = NetworkBuilder.input(Shape.of(4)).relu("relu").add("sum", "input", "input", "relu")
                .build(backend, 1);
             Tensor input = backend.upload(Shape.of(1, 4), x); Tensor g = backend.upload(Shape.of(1, 4), dy)) {
            TestTensors.assertClose("y", new float[] {-2, 6, -6, 12}, backend.download(net.forward(input, Mode.TRAIN)),
                    0, 0);
            TestTensors.assertClose("dx", new float[] {2, 3, 1, 1.5f}, backend.download(net.backwardToInput(g)), 0, 0);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void flattenIsAViewAndSoftmaxGivesProbabilities(Backend backend) {
        try (Network net = NetworkBuilder.input(Shape.of(1, 1, 3)).flatten("flat").softmax("prob").build(backend, 1);
             Tensor input = backend.upload(Shape.nchw(1, 1, 1, 3), 0, (float) Math.log(2), (float) Math.log(5))) {
            Tensor y = net.forward(input, Mode.EVAL);
            assertEquals(Shape.of(1, 3), y.shape());
            // softmax(0, ln 2, ln 5) = (1, 2, 5)/8.
            TestTensors.assertClose("p", new float[] {0.125f, 0.25f, 0.625f}, backend.download(y), 1e-7, 1e-6);
            float[] dy = {1, 0, 0};
            try (Tensor g = backend.upload(Shape.of(1, 3), dy)) {
                float[] dx = backend.download(net.backwardToInput(g));
                GradientChecker.standard().check("softmax through flatten", new float[] {0, (float) Math.log(2),
                        (float) Math.log(5)}, dx, probe -> {
                            backend.tensors().copyFromHost(probe, input);
                            return TestTensors.dot(dy, backend.download(net.forward(input, Mode.EVAL)));
                        });
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void preluAndLrnAndAveragePoolingPassTheGradientCheck(Backend backend) {
        Shape shape = Shape.nchw(2, 3, 4, 4);
        float[] x = TestTensors.uniform(31, shape.intSize(), -1, 1);
        float[] dy = TestTensors.uniform(32, 2 * 3 * 2 * 2, -1, 1);
        try (Network net = NetworkBuilder.input(Shape.of(3, 4, 4)).prelu("prelu")
                .lrn("lrn", 3, 0.5f, 0.75f, 1f).avgPool("pool", 2, 2).build(backend, 1);
             Tensor input = backend.upload(shape, x); Tensor g = backend.upload(Shape.nchw(2, 3, 2, 2), dy)) {
            net.forward(input, Mode.TRAIN);
            float[] dx = backend.download(net.backwardToInput(g));
            Parameter slope = net.parameters().get(0);
            float[] dSlope = backend.download(slope.gradient());
            GradientChecker.standard().check("dL/dx", x, dx, probe -> {
                backend.tensors().copyFromHost(probe, input);
                return TestTensors.dot(dy, backend.download(net.forward(input, Mode.TRAIN)));
            });
            backend.tensors().copyFromHost(x, input);
            GradientChecker.standard().check("dL/dslope", new float[] {0.25f, 0.25f, 0.25f}, dSlope, probe -> {
                backend.tensors().copyFromHost(probe, slope.value());
                return TestTensors.dot(dy, backend.download(net.forward(input, Mode.TRAIN)));
            });
        }
    }
}
