package dev.cortado.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.nn.init.InitSpec;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Building networks: parameter counts, inferred shapes, the summary, and the errors of bad graphs. */
class NetworkBuildTest {

    /** LeNet-5 as in issue 3: conv 5×5×6 pad 2, ReLU, max pool 2, conv 5×5×16, ReLU, max pool 2, dense 120, 84, 10. */
    static NetworkBuilder lenet5() {
        return NetworkBuilder.input(Shape.of(1, 28, 28))
                .conv2d("conv1", 6, 5, 1, 2).relu("relu1").maxPool("pool1", 2, 2)
                .conv2d("conv2", 16, 5, 1, 0).relu("relu2").maxPool("pool2", 2, 2)
                .dense("fc1", 120).relu("relu3")
                .dense("fc2", 84).relu("relu4")
                .dense("fc3", 10);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void lenet5HasExactly61706Parameters(Backend backend) {
        try (Network net = lenet5().build(backend, 1)) {
            // conv1 6·1·5·5+6 = 156, conv2 16·6·5·5+16 = 2,416, fc1 400·120+120 = 48,120,
            // fc2 120·84+84 = 10,164, fc3 84·10+10 = 850: 61,706 in all.
            assertEquals(61_706, net.parameterCount());
            NetworkSummary s = net.summary();
            assertEquals(61_706, s.totalParameters());
            assertEquals(156, s.row("conv1").parameters());
            assertEquals(2_416, s.row("conv2").parameters());
            assertEquals(48_120, s.row("fc1").parameters());
            assertEquals(Shape.of(6, 28, 28), s.row("conv1").outputShape());
            assertEquals(Shape.of(6, 14, 14), s.row("pool1").outputShape());
            assertEquals(Shape.of(16, 10, 10), s.row("conv2").outputShape());
            assertEquals(Shape.of(16, 5, 5), s.row("pool2").outputShape());
            assertEquals(Shape.of(120), s.row("fc1").outputShape());
            assertEquals(Shape.of(10), s.row("fc3").outputShape());
            assertEquals(Shape.of(1, 28, 28), net.inputShape());
            assertEquals(Shape.of(10), net.outputShape());
            // conv1 FLOPs: (2·25 multiply-adds + 1 bias) per output × 6·28·28 outputs.
            assertEquals(51L * 6 * 28 * 28, s.row("conv1").flops());
            // fc1: (2·400 + 1) per output × 120; ReLU one per element; pool one per window element.
            assertEquals(801L * 120, s.row("fc1").flops());
            assertEquals(6L * 28 * 28, s.row("relu1").flops());
            assertEquals(4L * 6 * 14 * 14, s.row("pool1").flops());
            assertEquals("Conv2d", s.row("conv1").type());
            assertEquals(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight",
                    "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"),
                    net.parameters().stream().map(Parameter::name).toList());
            String table = s.toString();
            assertTrue(table.contains("conv1 (Conv2d)"), table);
            assertTrue(table.contains("[16, 5, 5]"), table);
            assertTrue(table.contains("Total params: 61,706"), table);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void biasesAndNormalizationParametersCarryNoWeightDecay(Backend backend) {
        try (Network net = NetworkBuilder.input(Shape.of(3, 8, 8))
                .conv2d("conv", 4, 3, 1, 1).batchNorm("bn").prelu("act").globalAvgPool("gap").dense("fc", 2)
                .build(backend, 1)) {
            for (Parameter p : net.parameters()) {
                float expected = p.name().endsWith(".weight") && !p.name().startsWith("bn")
                        && !p.name().startsWith("act") ? 1f : 0f;
                assertEquals(expected, p.weightDecayMultiplier(), p.name());
                assertEquals(1f, p.learningRateMultiplier(), p.name());
            }
            assertEquals(8, net.summary().bufferValues(), "running mean and variance of 4 channels");
            Map<String, ?> buffers = net.buffers();
            assertEquals(List.of("bn.running_mean", "bn.running_var"), List.copyOf(buffers.keySet()));
            float[] slope = backend.download(net.parameters().get(4).value());
            assertEquals("act.weight", net.parameters().get(4).name());
            assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, slope);
            assertArrayEquals(new float[] {1, 1, 1, 1}, backend.download(net.parameters().get(2).value()),
                    "batch norm γ starts at 1");
            assertArrayEquals(new float[] {1, 1, 1, 1}, backend.download(net.buffers().get("bn.running_var")));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void theSameSeedGivesTheSameWeights(Backend backend) {
        try (Network a = lenet5().build(backend, 7); Network b = lenet5().build(backend, 7);
             Network c = lenet5().build(backend, 8)) {
            for (int i = 0; i < a.parameters().size(); i++) {
                float[] va = backend.download(a.parameters().get(i).value());
                assertArrayEquals(va, backend.download(b.parameters().get(i).value()), a.parameters().get(i).name());
                assertFalse(java.util.Arrays.equals(va, backend.download(c.parameters().get(i).value())),
                        "seed 8 differs at " + a.parameters().get(i).name());
            }
            // PyTorch's default: fc1 weights and bias within ±1/√400 = ±0.05.
            for (int i = 4; i < 6; i++) {
                for (float w : backend.download(a.parameters().get(i).value())) {
                    assertTrue(Math.abs(w) <= 0.05f, a.parameters().get(i).name() + " value " + w);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void builderAndSpecAreOnePath(Backend backend) {
        NetworkSpec spec = lenet5().spec();
        assertEquals(List.of(1, 28, 28), spec.inputShape());
        assertEquals(11, spec.nodes().size());
        assertEquals(new LayerSpec.Conv2d(6, 5, 1, 2), spec.nodes().get(0).layer());
        assertEquals(List.of(), spec.nodes().get(1).inputs(), "sequential nodes name no inputs");
        try (Network net = Network.build(spec, backend, 3)) {
            assertEquals(61_706, net.parameterCount());
            assertEquals(spec, net.spec());
        }
    }

    @Test
    void specRecordsRejectImpossibleNumbersWhereTheyAreWritten() {
        // A config parser constructs these from a file; failing here lets it point at the line.
        assertThrows(IllegalArgumentException.class, () -> new LayerSpec.Conv2d(0, 3, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new LayerSpec.Conv2d(8, 3, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new LayerSpec.Conv2d(8, 3, 1, 1, 1, 0, true, null, null));
        assertThrows(IllegalArgumentException.class, () -> new LayerSpec.Dense(0));
        assertThrows(IllegalArgumentException.class, () -> new LayerSpec.MaxPool(2, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new LayerSpec.Dropout(1f));
        assertThrows(IllegalArgumentException.class, () -> new LayerSpec.BatchNorm(0f, 0.1f));
        assertThrows(IllegalArgumentException.class, () -> new LayerSpec.Lrn(4, 1e-4f, 0.75f, 1f));
        assertThrows(IllegalArgumentException.class, () -> new LayerSpec.ZeroPadShortcut(16, 0));
        assertEquals(InitSpec.pytorchDefault(), new LayerSpec.Dense(3).weightInit(), "null init means PyTorch's default");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void aShapeMismatchNamesTheNodeAndBothShapes(Backend backend) {
        NetworkBuilder b = NetworkBuilder.input(Shape.of(3, 8, 8))
                .conv2d("conv1", 4, 3, 1, 1)
                .conv2d("conv2", 5, 3, 2, 1)
                .add("sum", "conv1", "conv2");
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> b.build(backend, 1));
        assertTrue(e.getMessage().contains("'sum'"), e.getMessage());
        assertTrue(e.getMessage().contains("[1, 4, 8, 8]"), e.getMessage());
        assertTrue(e.getMessage().contains("[1, 5, 4, 4]"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void aKernelLargerThanItsInputIsReportedAtBuildTime(Backend backend) {
        NetworkBuilder b = NetworkBuilder.input(Shape.of(1, 4, 4)).relu("relu").maxPool("pool", 2, 2)
                .conv2d("conv", 8, 5, 1, 0);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> b.build(backend, 1));
        assertTrue(e.getMessage().contains("'conv'"), e.getMessage());
        assertTrue(e.getMessage().contains("[1, 1, 2, 2]"), e.getMessage());
        assertTrue(e.getMessage().contains("[8, 1, 5, 5]"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void concatNeedsMatchingSpatialSizes(Backend backend) {
        NetworkBuilder b = NetworkBuilder.input(Shape.of(2, 8, 8)).maxPool("half", 2, 2).concat("cat", "input", "half");
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> b.build(backend, 1));
        assertTrue(e.getMessage().contains("'cat'") && e.getMessage().contains("[1, 2, 8, 8]")
                && e.getMessage().contains("[1, 2, 4, 4]"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void unknownDuplicateLateAndUnusedNamesAreRejected(Backend backend) {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () ->
                NetworkBuilder.input(Shape.of(4)).relu("a").add("b", "a", "nope").build(backend, 1));
        assertTrue(unknown.getMessage().contains("'b'") && unknown.getMessage().contains("'nope'")
                && unknown.getMessage().contains("no node of that name"), unknown.getMessage());

        IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class, () ->
                NetworkBuilder.input(Shape.of(4)).relu("a").relu("a").build(backend, 1));
        assertTrue(duplicate.getMessage().contains("duplicate node name 'a'"), duplicate.getMessage());

        IllegalArgumentException late = assertThrows(IllegalArgumentException.class, () ->
                NetworkBuilder.input(Shape.of(4)).add("a", "input", "b").relu("b").build(backend, 1));
        assertTrue(late.getMessage().contains("defined after"), late.getMessage());

        IllegalArgumentException unused = assertThrows(IllegalArgumentException.class, () ->
                NetworkBuilder.input(Shape.of(4)).relu("a").node("b", new LayerSpec.Activation(
                        dev.cortado.backend.Activation.Kind.TANH, 0), "input").build(backend, 1));
        assertTrue(unused.getMessage().contains("'a' feeds no other node"), unused.getMessage());

        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class, () ->
                NetworkBuilder.input(Shape.of(4)).relu("input").build(backend, 1));
        assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void aWrongInputShapeIsRejectedAtForward(Backend backend) {
        try (Network net = lenet5().build(backend, 1); var x = backend.allocate(Shape.nchw(2, 1, 32, 32))) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> net.forward(x, Mode.EVAL));
            assertTrue(e.getMessage().contains("[N, 1, 28, 28]") && e.getMessage().contains("[2, 1, 32, 32]"),
                    e.getMessage());
        }
    }
}
