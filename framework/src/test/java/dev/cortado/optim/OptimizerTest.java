package dev.cortado.optim;

import static dev.cortado.backend.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cortado.backend.Backend;
import dev.cortado.nn.Parameter;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each update rule for two or three steps on a tiny parameter, through {@link Optimizer}, against
 * the formulas evaluated by hand or in double. Tolerance: each step is a handful of float32
 * operations on values of magnitude ≤ 2, so 2e-6 absolute (about 16 ulps at 1) bounds float32
 * rounding on any backend, including a GPU's fused multiply-adds and approximate square roots.
 */
class OptimizerTest {
    private static final double ATOL = 2e-6;

    private static Parameter weight(Backend b, String name, float[] w, float[] g) {
        return Parameter.weight(name, b.upload(Shape.of(w.length), w), b.upload(Shape.of(g.length), g));
    }

    private static float[] values(Backend b, Parameter p) {
        return b.download(p.value());
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void sgdStepsAgainstTheGradient(Backend b) {
        // w ← w − lr·g with lr 0.1, g (0.5, 1)
        Parameter p = weight(b, "w", new float[] {1f, -2f}, new float[] {0.5f, 1f});
        try (Optimizer sgd = Optimizer.create(OptimizerSpec.defaults("sgd").withLearningRate(0.1f), b)) {
            sgd.step(List.of(p), 0.1f);
            assertClose("step 1", new float[] {0.95f, -2.1f}, values(b, p), ATOL, 0);
            sgd.step(List.of(p), 0.1f);
            assertClose("step 2", new float[] {0.9f, -2.2f}, values(b, p), ATOL, 0);
            assertEquals(Map.of(), sgd.state(), "plain SGD keeps no state");
            assertArrayEquals(new float[] {0.5f, 1f}, b.download(p.gradient()), "the gradient is not modified");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void multipliersScaleTheLearningRateAndTheDecayPerParameter(Backend b) {
        // lr 0.1, weight decay 0.1. The weight: g' = 0.5 + 0.1·1 = 0.6, w = 1 − 0.1·0.6 = 0.94.
        // The bias (decay multiplier 0, lr multiplier 2): not decayed, w = 1 − 0.2·0.5 = 0.9.
        // The frozen parameter (lr multiplier 0) does not move.
        Parameter w = weight(b, "fc.weight", new float[] {1f}, new float[] {0.5f});
        Parameter bias = new Parameter("fc.bias", b.upload(Shape.of(1), 1f), b.upload(Shape.of(1), 0.5f), 2f, 0f);
        Parameter frozen = new Parameter("frozen", b.upload(Shape.of(1), 1f), b.upload(Shape.of(1), 0.5f), 0f, 1f);
        try (Optimizer sgd = Optimizer.create(OptimizerSpec.defaults("sgd").withWeightDecay(0.1f), b)) {
            sgd.step(List.of(w, bias, frozen), 0.1f);
        }
        assertClose("decayed weight", new float[] {0.94f}, values(b, w), ATOL, 0);
        assertClose("bias, not decayed, double rate", new float[] {0.9f}, values(b, bias), ATOL, 0);
        assertArrayEquals(new float[] {1f}, values(b, frozen), "frozen");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void l1AddsStrengthTimesSignOfTheWeight(Backend b) {
        // g' = g + 0.5·sign(w) with g = 0, lr 0.1: w = (1, −2, 0) − 0.1·(0.5, −0.5, 0) = (0.95, −1.95, 0).
        // The bias has decay multiplier 0, which (as in Caffe) also exempts it from L1.
        Parameter w = weight(b, "w", new float[] {1f, -2f, 0f}, new float[] {0f, 0f, 0f});
        Parameter bias = Parameter.withoutDecay("b", b.upload(Shape.of(1), 1f), b.upload(Shape.of(1), 0f));
        try (Optimizer sgd = Optimizer.create(OptimizerSpec.defaults("sgd").withL1Strength(0.5f), b)) {
            sgd.step(List.of(w, bias), 0.1f);
        }
        assertClose("L1", new float[] {0.95f, -1.95f, 0f}, values(b, w), ATOL, 0);
        assertArrayEquals(new float[] {1f}, values(b, bias), "no L1 on the bias");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void momentumAccumulatesAVelocity(Backend b) {
        // v ← ρv − lr·g, w ← w + v with ρ 0.9, lr 0.1, g 1: v = −0.1, −0.19, −0.271
        Parameter p = weight(b, "w", new float[] {1f}, new float[] {1f});
        try (Optimizer m = Optimizer.create(OptimizerSpec.defaults("momentum").withMomentum(0.9f), b)) {
            m.step(List.of(p), 0.1f);
            assertClose("step 1", new float[] {0.9f}, values(b, p), ATOL, 0);
            m.step(List.of(p), 0.1f);
            assertClose("step 2", new float[] {0.71f}, values(b, p), ATOL, 0);
            m.step(List.of(p), 0.1f);
            assertClose("step 3", new float[] {0.439f}, values(b, p), ATOL, 0);
            assertClose("velocity", new float[] {-0.271f}, b.download(m.state().get("w.velocity")), ATOL, 0);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void nesterovLooksAhead(Backend b) {
        // w ← w − ρ·v_old + (1 + ρ)·v: step 1 w = 1 + 1.9·(−0.1) = 0.81;
        // step 2 w = 0.81 + 0.9·0.1 + 1.9·(−0.19) = 0.539 (PyTorch's nesterov=True gives the same).
        Parameter p = weight(b, "w", new float[] {1f}, new float[] {1f});
        try (Optimizer n = Optimizer.create(OptimizerSpec.defaults("nesterov").withMomentum(0.9f), b)) {
            n.step(List.of(p), 0.1f);
            assertClose("step 1", new float[] {0.81f}, values(b, p), ATOL, 0);
            n.step(List.of(p), 0.1f);
            assertClose("step 2", new float[] {0.539f}, values(b, p), ATOL, 0);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void adaGradDividesBySquareRootOfTheSummedSquares(Backend b) {
        // r ← r + g², w ← w − lr·g/(√r + ε) with g 2, lr 0.1: r = 4, 8
        Parameter p = weight(b, "w", new float[] {1f}, new float[] {2f});
        try (Optimizer a = Optimizer.create(OptimizerSpec.defaults("adagrad"), b)) {
            a.step(List.of(p), 0.1f);
            assertClose("step 1", new float[] {0.9f}, values(b, p), ATOL, 0);
            a.step(List.of(p), 0.1f);
            assertClose("step 2", new float[] {(float) (0.9 - 0.1 * 2 / Math.sqrt(8))}, values(b, p), ATOL, 0);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void rmsPropDividesByTheRootOfADecayingAverage(Backend b) {
        // r ← ρr + (1 − ρ)g², w ← w − lr·g/(√r + ε) with ρ 0.99, g 1, lr 0.01: r = 0.01, 0.0199
        Parameter p = weight(b, "w", new float[] {1f}, new float[] {1f});
        try (Optimizer r = Optimizer.create(OptimizerSpec.defaults("rmsprop"), b)) {
            r.step(List.of(p), 0.01f);
            assertClose("step 1", new float[] {(float) (1 - 0.01 / (0.1 + 1e-8))}, values(b, p), ATOL, 0);
            r.step(List.of(p), 0.01f);
            assertClose("step 2", new float[] {(float) (1 - 0.01 / (0.1 + 1e-8) - 0.01 / (Math.sqrt(0.0199) + 1e-8))},
                    values(b, p), ATOL, 0);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void adaDeltaScalesByTheRatioOfRunningRoots(Backend b) {
        // Zeiler 2012 with ρ 0.9, ε 1e-6, lr 1, g 1
        double rho = 0.9;
        double eps = 1e-6;
        double eg = 0;
        double ed = 0;
        double w = 1;
        Parameter p = weight(b, "w", new float[] {1f}, new float[] {1f});
        try (Optimizer a = Optimizer.create(OptimizerSpec.defaults("adadelta"), b)) {
            for (int t = 1; t <= 2; t++) {
                eg = rho * eg + (1 - rho) * 1;
                double delta = -Math.sqrt(ed + eps) / Math.sqrt(eg + eps) * 1;
                ed = rho * ed + (1 - rho) * delta * delta;
                w += delta;
                a.step(List.of(p), 1f);
                assertClose("step " + t, new float[] {(float) w}, values(b, p), ATOL, 1e-5);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void adamsBiasCorrectionMakesTheFirstStepLrTimesTheSignOfG(Backend b) {
        // Step 1: m = 0.1g, v = 0.001g², m̂ = g, v̂ = g², so w moves by lr·g/(|g| + ε) ≈ lr·sign(g).
        Parameter p = weight(b, "w", new float[] {1f}, new float[] {0.5f});
        try (Optimizer adam = Optimizer.create(OptimizerSpec.defaults("adam"), b)) {
            adam.step(List.of(p), 0.001f);
            assertClose("step 1", new float[] {(float) (1 - 0.001 * 0.5 / (0.5 + 1e-8))}, values(b, p), ATOL, 0);
            assertEquals(1, adam.steps());

            // Step 2 with g = −1, from the formulas in double.
            b.tensors().copyFromHost(new float[] {-1f}, p.gradient());
            double m = 0.9 * 0.05 + 0.1 * -1;
            double v = 0.999 * 0.00025 + 0.001 * 1;
            double mHat = m / (1 - 0.9 * 0.9);
            double vHat = v / (1 - 0.999 * 0.999);
            double w2 = 1 - 0.001 * 0.5 / (0.5 + 1e-8) - 0.001 * mHat / (Math.sqrt(vHat) + 1e-8);
            adam.step(List.of(p), 0.001f);
            assertClose("step 2", new float[] {(float) w2}, values(b, p), ATOL, 0);
            assertClose("m", new float[] {(float) m}, b.download(adam.state().get("w.adam_m")), ATOL, 0);
            assertClose("v", new float[] {(float) v}, b.download(adam.state().get("w.adam_v")), 1e-8, 1e-5);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void adamWDecaysTheWeightsWhereAdamsL2IsNormalizedAway(Backend b) {
        // Weight decay 0.1, lr 0.001, w 1, g 0.5, step 1.
        // Adam (L2): g' = 0.6 and the bias-corrected ratio is still 1, so w = 1 − 0.001.
        // AdamW: w = 1 − 0.001·0.1·1 − 0.001·1 = 0.9989.
        Parameter l2 = weight(b, "w", new float[] {1f}, new float[] {0.5f});
        Parameter decoupled = weight(b, "w", new float[] {1f}, new float[] {0.5f});
        try (Optimizer adam = Optimizer.create(OptimizerSpec.defaults("adam").withWeightDecay(0.1f), b);
             Optimizer adamW = Optimizer.create(OptimizerSpec.defaults("adamw").withWeightDecay(0.1f), b)) {
            adam.step(List.of(l2), 0.001f);
            adamW.step(List.of(decoupled), 0.001f);
        }
        assertClose("adam + L2", new float[] {0.999f}, values(b, l2), ATOL, 0);
        assertClose("adamw", new float[] {0.9989f}, values(b, decoupled), ATOL, 0);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void stateRoundTripContinuesExactlyLikeTheOriginal(Backend b) {
        List<Parameter> original = twoParameters(b);
        List<Parameter> resumed = twoParameters(b);
        OptimizerSpec spec = OptimizerSpec.defaults("adam").withLearningRate(0.01f);
        try (Optimizer first = Optimizer.create(spec, b); Optimizer second = Optimizer.create(spec, b)) {
            first.step(original, 0.01f);
            first.step(original, 0.01f);
            for (int i = 0; i < 2; i++) {
                b.tensors().copy(original.get(i).value(), resumed.get(i).value());
            }
            assertEquals(List.of("conv1.weight.adam_m", "conv1.weight.adam_v", "conv1.bias.adam_m", "conv1.bias.adam_v"),
                    List.copyOf(first.state().keySet()));
            assertEquals(Map.of("type", "adam", "steps", "2"), first.stateMetadata());

            second.loadState(resumed, first.state(), first.stateMetadata());
            assertEquals(2, second.steps());
            first.step(original, 0.01f);
            second.step(resumed, 0.01f);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(b.download(original.get(i).value()), b.download(resumed.get(i).value()),
                        "same state, same update, bit for bit: " + original.get(i).name());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void loadStateNamesTheFirstMismatch(Backend b) {
        List<Parameter> params = twoParameters(b);
        try (Optimizer adam = Optimizer.create(OptimizerSpec.defaults("adam"), b);
             Optimizer fresh = Optimizer.create(OptimizerSpec.defaults("adam"), b)) {
            adam.step(params, 0.001f);
            Map<String, Tensor> state = new LinkedHashMap<>(adam.state());
            Map<String, String> meta = adam.stateMetadata();

            Map<String, Tensor> missing = new LinkedHashMap<>(state);
            missing.remove("conv1.bias.adam_v");
            assertMessage("optimizer state: tensor 'conv1.bias.adam_v' is missing", () -> fresh.loadState(params, missing, meta));

            Map<String, Tensor> wrongShape = new LinkedHashMap<>(state);
            wrongShape.put("conv1.bias.adam_m", b.allocate(Shape.of(3)));
            assertMessage("optimizer state: tensor 'conv1.bias.adam_m' has shape [3], parameter conv1.bias has shape [2]",
                    () -> fresh.loadState(params, wrongShape, meta));

            Map<String, Tensor> extra = new LinkedHashMap<>(state);
            extra.put("fc9.weight.adam_m", b.allocate(Shape.of(1)));
            assertMessage("optimizer state: unexpected tensor 'fc9.weight.adam_m'; adam keeps slots [adam_m, adam_v] "
                    + "for each of the 2 parameters", () -> fresh.loadState(params, extra, meta));

            assertMessage("optimizer state: the checkpoint holds sgd state, this optimizer is adam",
                    () -> fresh.loadState(params, Map.of(), Map.of("type", "sgd", "steps", "3")));
            assertMessage("optimizer state: 'steps' must be a whole number >= 0, got -1",
                    () -> fresh.loadState(params, state, Map.of("type", "adam", "steps", "-1")));
            assertEquals(0, fresh.steps(), "a rejected load changes nothing");
            assertEquals(Map.of(), fresh.state(), "a rejected load changes nothing");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void aNegativeLearningRateIsRefusedAtTheStep(Backend b) {
        try (Optimizer sgd = Optimizer.create(OptimizerSpec.defaults("sgd"), b)) {
            assertMessage("optimizer sgd: learning rate must be a finite number >= 0, got -1.0",
                    () -> sgd.step(List.of(), -1f));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void aParameterWhoseShapeChangedIsRefusedBeforeAnyUpdate(Backend b) {
        try (Optimizer m = Optimizer.create(OptimizerSpec.defaults("momentum"), b)) {
            m.step(List.of(weight(b, "w", new float[] {1f}, new float[] {1f})), 0.1f);
            Parameter other = weight(b, "v", new float[] {1f}, new float[] {1f});
            Parameter resized = weight(b, "w", new float[] {1f, 2f}, new float[] {1f, 1f});
            assertMessage("optimizer: parameter w has shape [2] but its optimizer state has shape [1]",
                    () -> m.step(List.of(other, resized), 0.1f));
            assertArrayEquals(new float[] {1f}, values(b, other), "nothing moved");
            assertEquals(1, m.steps());
        }
    }

    private static List<Parameter> twoParameters(Backend b) {
        return List.of(
                weight(b, "conv1.weight", new float[] {0.3f, -0.7f, 1.1f}, new float[] {0.2f, -0.4f, 0.9f}),
                Parameter.withoutDecay("conv1.bias", b.upload(Shape.of(2), 0.05f, -0.05f), b.upload(Shape.of(2), 1f, -3f)));
    }

    @org.junit.jupiter.api.Test
    void eachTypeKeepsAsManyStateTensorsPerParameterAsItsTypeDeclares() {
        // Memory planning reads OptimizerType.stateTensorsPerParameter before any optimizer exists.
        try (Backend b = new dev.cortado.backend.cpu.CpuBackend(1)) {
            for (OptimizerType type : OptimizerType.values()) {
                List<Parameter> params = twoParameters(b);
                try (Optimizer o = Optimizer.create(OptimizerSpec.defaults(type), b)) {
                    o.step(params, 0.01f);
                    assertEquals(type.stateTensorsPerParameter() * params.size(), o.state().size(), type.toString());
                }
            }
        }
    }

    private static void assertMessage(String expected, Runnable r) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, r::run).getMessage());
    }
}
