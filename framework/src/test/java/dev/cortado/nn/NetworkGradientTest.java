package dev.cortado.nn;

import dev.cortado.backend.Backend;
import dev.cortado.backend.GradientChecker;
import dev.cortado.backend.TestTensors;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Back-propagation through a whole graph against finite differences of L = ⟨dy, net(x)⟩, whose
 * gradient with respect to the output is dy. The graph has a node read by two others (relu1 feeds
 * conv2 and the residual add), the network input read by two nodes (conv1 and conv3), a channel
 * concat, batch norm with batch statistics, max pooling, dropout with a fixed seed, and a dense
 * layer on a feature map.
 *
 * <p>Step h = 1e-3 rather than the checker's standard 1e-2: moving one first-layer weight moves
 * all 72 pre-activations of its channel (and, through batch norm, the channel's statistics), so with
 * a larger h some ReLU or max-pool window usually switches inside [w - h, w + h] and biases the
 * central difference by up to ~2e-2 without looking like a kink to the checker (measured: h = 3e-3
 * fails on conv1.weight by 20× the tolerance, h = 1e-3 passes with a third of it to spare). The
 * float32 rounding of L (|L| ≈ 1, a dozen ops deep, error ~1e-7) adds ~1e-4 to the difference
 * quotient at this h; atol 1e-3 and rtol 2e-2 sit above that and far below any wrong formula.
 * At most 64 sampled elements per tensor keep the test near a second.
 */
class NetworkGradientTest {
    private static final Shape INPUT = Shape.nchw(2, 3, 6, 6);
    private static final GradientChecker CHECKER = new GradientChecker(1e-3, 1e-3, 2e-2, 64);

    private static Network network(Backend backend) {
        Network net = NetworkBuilder.input(Shape.of(3, 6, 6))
                .conv2d("conv1", 4, 3, 1, 1)
                .batchNorm("bn1")
                .relu("relu1")
                .conv2d("conv2", 4, 3, 1, 1)
                .add("res", "conv2", "relu1")
                .node("conv3", new LayerSpec.Conv2d(2, 1, 1, 0), "input")
                .concat("cat", "res", "conv3")
                .maxPool("pool", 2, 2)
                .dropout("drop", 0.25f)
                .dense("fc", 5)
                .build(backend, 11);
        net.setDropoutSeed(5);
        return net;
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void gradientsWithRespectToInputAndParametersMatchFiniteDifferences(Backend backend) {
        float[] x = TestTensors.uniform(1, INPUT.intSize(), -1, 1);
        float[] dy = TestTensors.uniform(2, 2 * 5, -1, 1);
        try (Network net = network(backend); Tensor input = backend.upload(INPUT, x);
             Tensor gradOutput = backend.upload(Shape.of(2, 5), dy)) {
            net.forward(input, Mode.TRAIN);
            float[] dx = backend.download(net.backwardToInput(gradOutput));

            ToDoubleFunction<float[]> lossOfInput = probe -> {
                backend.tensors().copyFromHost(probe, input);
                return TestTensors.dot(dy, backend.download(net.forward(input, Mode.TRAIN)));
            };
            CHECKER.check("dL/dx", x, dx, lossOfInput);
            backend.tensors().copyFromHost(x, input);

            for (String name : new String[] {"conv1.weight", "bn1.weight", "bn1.bias", "conv2.bias",
                    "conv3.weight", "fc.weight", "fc.bias"}) {
                checkParameter(backend, net, input, gradOutput, dy, name);
            }
        }
    }

    private static void checkParameter(Backend backend, Network net, Tensor input, Tensor gradOutput, float[] dy,
                                       String name) {
        Parameter p = net.parameters().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
        float[] value = backend.download(p.value());
        net.forward(input, Mode.TRAIN);
        net.backward(gradOutput);
        float[] analytic = backend.download(p.gradient());
        CHECKER.check("dL/d " + name, value, analytic, probe -> {
            backend.tensors().copyFromHost(probe, p.value());
            return TestTensors.dot(dy, backend.download(net.forward(input, Mode.TRAIN)));
        });
        backend.tensors().copyFromHost(value, p.value());
    }
}
