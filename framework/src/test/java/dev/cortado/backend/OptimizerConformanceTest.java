package dev.cortado.backend;

import static dev.cortado.backend.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Three steps of every fused optimizer update against values worked out by hand from the lecture
 * decks' formulas. Every optimizer starts from the same two weights and sees the same gradients:
 *
 * <pre>
 *   w0 = [1, -2];   g1 = [0.6, -0.3],   g2 = [-0.8, 0.4],   g3 = [0.75, 1.2]
 * </pre>
 *
 * chosen so that the running sums of squares are perfect squares (0.36, 1, 1.5625 = 0.6², 1², 1.25²
 * and 0.09, 0.25, 1.69 = 0.3², 0.5², 1.3²). Epsilons are large (0.04 to 0.4) so that where ε sits
 * in each formula changes the result well beyond the tolerance. Each hand-worked case also runs on
 * 120 000 elements (the pair tiled), which splits across the CPU backend's threads.
 *
 * <p>Tolerance: relative 1e-6. The inputs (0.6, 0.1, ...) are not exact in float32 (relative error
 * ≤ 6e-8), and each step rounds a handful of times at 6e-8 each; over three steps that stays a few
 * times 1e-7, while every weight stays above 0.7 in magnitude so a relative bound is meaningful.

 */
class OptimizerConformanceTest {
    private static final float[] W0 = {1f, -2f};
    private static final float[][] GRADIENTS = {{0.6f, -0.3f}, {-0.8f, 0.4f}, {0.75f, 1.2f}};
    private static final double RTOL = 1e-6;
    /** Enough pairs that every update splits into several chunks on the CPU backend. */
    private static final int LARGE_COPIES = 60_000;

    /** One update of w from gradient g with the optimizer's state tensors, at step t (from 1). */
    @FunctionalInterface
    private interface Update {
        void apply(OptimizerOps ops, Tensor w, Tensor g, Tensor[] state, long t);
    }

    private final List<Tensor> created = new ArrayList<>();

    @AfterEach
    void closeTensors() {
        created.forEach(Tensor::close);
        created.clear();
    }

    // ---- SGD and momentum ----

    /**
     * w -= lr·g with lr = 0.1:
     * w[0]: 1 - 0.1·0.6 = 0.94;   0.94 + 0.1·0.8 = 1.02;    1.02 - 0.1·0.75 = 0.945
     * w[1]: -2 + 0.1·0.3 = -1.97; -1.97 - 0.1·0.4 = -2.01;  -2.01 - 0.1·1.2 = -2.13
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void sgdStepsAgainstTheGradient(Backend backend) {
        var u = new OptimizerUpdate.Sgd(0.1f, 0f);
        assertThreeSteps(backend, "sgd", 0, (ops, w, g, s, t) -> ops.sgd(w, g, u), new float[][] {
                {0.94f, -1.97f}, {1.02f, -2.01f}, {0.945f, -2.13f}});
    }

    /**
     * L2 weight decay enters the gradient: w -= lr·(g + wd·w), lr = 0.1, wd = 0.1:
     * w[0]: g' = 0.6 + 0.1·1 = 0.7,          w = 1 - 0.07 = 0.93;
     *       g' = -0.8 + 0.1·0.93 = -0.707,    w = 0.93 + 0.0707 = 1.0007;
     *       g' = 0.75 + 0.1·1.0007 = 0.85007, w = 1.0007 - 0.085007 = 0.915693
     * w[1]: g' = -0.3 - 0.2 = -0.5,           w = -2 + 0.05 = -1.95;
     *       g' = 0.4 - 0.195 = 0.205,         w = -1.95 - 0.0205 = -1.9705;
     *       g' = 1.2 - 0.19705 = 1.00295,     w = -1.9705 - 0.100295 = -2.070795
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void sgdWithL2WeightDecayAddsDecayTimesWeightToTheGradient(Backend backend) {
        var u = new OptimizerUpdate.Sgd(0.1f, 0.1f);
        assertThreeSteps(backend, "sgd + L2", 0, (ops, w, g, s, t) -> ops.sgd(w, g, u), new float[][] {
                {0.93f, -1.95f}, {1.0007f, -1.9705f}, {0.915693f, -2.070795f}});
    }

    /**
     * v = ρv - lr·g; w += v with ρ = 0.9, lr = 0.1:
     * w[0]: v = -0.06,                     w = 0.94;
     *       v = 0.9·-0.06 + 0.08 = 0.026,  w = 0.966;
     *       v = 0.0234 - 0.075 = -0.0516,  w = 0.9144
     * w[1]: v = 0.03,                      w = -1.97;
     *       v = 0.027 - 0.04 = -0.013,     w = -1.983;
     *       v = -0.0117 - 0.12 = -0.1317,  w = -2.1147
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void momentumAccumulatesAVelocity(Backend backend) {
        var u = new OptimizerUpdate.Momentum(0.1f, 0.9f, false, 0f);
        assertThreeSteps(backend, "momentum", 1, (ops, w, g, s, t) -> ops.momentum(w, g, s[0], u), new float[][] {
                {0.94f, -1.97f}, {0.966f, -1.983f}, {0.9144f, -2.1147f}});
    }

    /**
     * Nesterov in the decks' form: v_old = v; v = ρv - lr·g; w += -ρ·v_old + (1+ρ)·v, ρ = 0.9, lr = 0.1
     * (the velocities are those of plain momentum above):
     * w[0]: 1 + 1.9·-0.06 = 0.886;  0.886 + 0.9·0.06 + 1.9·0.026 = 0.9894;
     *       0.9894 - 0.9·0.026 + 1.9·-0.0516 = 0.86796
     * w[1]: -2 + 1.9·0.03 = -1.943; -1.943 - 0.9·0.03 + 1.9·-0.013 = -1.9947;
     *       -1.9947 + 0.9·0.013 + 1.9·-0.1317 = -2.23323
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void nesterovMomentumLooksAhead(Backend backend) {
        var u = new OptimizerUpdate.Momentum(0.1f, 0.9f, true, 0f);
        assertThreeSteps(backend, "nesterov", 1, (ops, w, g, s, t) -> ops.momentum(w, g, s[0], u), new float[][] {
                {0.886f, -1.943f}, {0.9894f, -1.9947f}, {0.86796f, -2.23323f}});
    }

    // ---- adaptive learning rates ----

    /**
     * cache += g²; w -= lr·g/(sqrt(cache) + ε) with lr = 0.1, ε = 0.4:
     * w[0]: cache 0.36, 1, 1.5625 (sqrt 0.6, 1, 1.25):
     *       1 - 0.06/1.0 = 0.94;  0.94 + 0.08/1.4 = 0.9971428571;  0.9971428571 - 0.075/1.65 = 0.9516883117
     * w[1]: cache 0.09, 0.25, 1.69 (sqrt 0.3, 0.5, 1.3):
     *       -2 + 0.03/0.7 = -1.957142857;  -1.957142857 - 0.04/0.9 = -2.001587302;
     *       -2.001587302 - 0.12/1.7 = -2.072175537
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void adaGradDividesBySquareRootOfSummedSquares(Backend backend) {
        var u = new OptimizerUpdate.AdaGrad(0.1f, 0.4f, 0f);
        assertThreeSteps(backend, "adaGrad", 1, (ops, w, g, s, t) -> ops.adaGrad(w, g, s[0], u), new float[][] {
                {0.94f, -1.957142857f}, {0.9971428571f, -2.001587302f}, {0.9516883117f, -2.072175537f}});
    }

    /**
     * cache = ρ·cache + (1-ρ)g²; w -= lr·g/(sqrt(cache) + ε) with ρ = 0.5, lr = 0.1, ε = 0.1:
     * w[0]: cache 0.18, 0.09 + 0.32 = 0.41, 0.205 + 0.28125 = 0.48625
     *       (sqrt 0.4242640687, 0.6403124237, 0.6973162840):
     *       1 - 0.06/0.5242640687 = 0.8855538581;  + 0.08/0.7403124237 = 0.9936163429;
     *       - 0.075/0.7973162840 = 0.8995507863
     * w[1]: cache 0.045, 0.0225 + 0.08 = 0.1025, 0.05125 + 0.72 = 0.77125
     *       (sqrt 0.2121320344, 0.3201562119, 0.8782084035):
     *       -2 + 0.03/0.3121320344 = -1.903886828;  - 0.04/0.4201562119 = -1.999089514;
     *       - 0.12/0.9782084035 = -2.121762760
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void rmsPropDividesByARunningRootMeanSquare(Backend backend) {
        var u = new OptimizerUpdate.RmsProp(0.1f, 0.5f, 0.1f, 0f);
        assertThreeSteps(backend, "rmsProp", 1, (ops, w, g, s, t) -> ops.rmsProp(w, g, s[0], u), new float[][] {
                {0.8855538581f, -1.903886828f}, {0.9936163429f, -1.999089514f}, {0.8995507863f, -2.121762760f}});
    }

    /**
     * Zeiler's AdaDelta with ρ = 0.5, ε = 0.04, lr = 1:
     * E[g²] = ρE[g²] + (1-ρ)g²; Δ = -sqrt(E[Δ²] + ε)/sqrt(E[g²] + ε)·g; E[Δ²] = ρE[Δ²] + (1-ρ)Δ²; w += Δ.
     * w[0]: E[g²] 0.18, 0.41, 0.48625 (as RMSProp above);
     *       Δ = -sqrt(0.04)/sqrt(0.22)·0.6 = -0.2558408596,          E[Δ²] = 0.5·0.06545454545 = 0.03272727273;
     *       Δ = sqrt(0.07272727273)/sqrt(0.45)·0.8 = 0.3216121009,   E[Δ²] = 0.01636363636 + 0.05171717172 = 0.06808080808;
     *       Δ = -sqrt(0.1080808081)/sqrt(0.52625)·0.75 = -0.3398908713;
     *       w = 1 - 0.2558408596 = 0.7441591404;  + 0.3216121009 = 1.065771241;  - 0.3398908713 = 0.7258803700
     * w[1]: E[g²] 0.045, 0.1025, 0.77125;
     *       Δ = sqrt(0.04)/sqrt(0.085)·0.3 = 0.2057983022,            E[Δ²] = 0.5·0.04235294118 = 0.02117647059;
     *       Δ = -sqrt(0.06117647059)/sqrt(0.1425)·0.4 = -0.2620865706, E[Δ²] = 0.01058823529 + 0.03434468525 = 0.04493292054;
     *       Δ = -sqrt(0.08493292054)/sqrt(0.81125)·1.2 = -0.3882772278;
     *       w = -2 + 0.2057983022 = -1.794201698;  - 0.2620865706 = -2.056288268;  - 0.3882772278 = -2.444565496
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void adaDeltaScalesByTheRatioOfRunningRmsValues(Backend backend) {
        var u = new OptimizerUpdate.AdaDelta(1f, 0.5f, 0.04f, 0f);
        assertThreeSteps(backend, "adaDelta", 2, (ops, w, g, s, t) -> ops.adaDelta(w, g, s[0], s[1], u),
                new float[][] {{0.7441591404f, -1.794201698f}, {1.065771241f, -2.056288268f},
                        {0.7258803700f, -2.444565496f}});
    }

    /**
     * Adam with bias correction, β1 = 0.5, β2 = 0.75, ε = 0.1, lr = 0.1 (so 1-β1^t = 0.5, 0.75, 0.875
     * and 1-β2^t = 0.25, 0.4375, 0.578125):
     * w[0]: m = 0.3, -0.25, 0.25;  v = 0.09, 0.2275, 0.31125;
     *       m̂ = 0.6, -0.3333333333, 0.2857142857;  v̂ = 0.36, 0.52, 0.5383783784
     *       (sqrt 0.6, 0.7211102551, 0.7337427195);
     *       w = 1 - 0.06/0.7 = 0.9142857143;  + 0.03333333333/0.8211102551 = 0.9548811558;
     *       - 0.02857142857/0.8337427195 = 0.9206122766
     * w[1]: m = -0.15, 0.125, 0.6625;  v = 0.0225, 0.056875, 0.40265625;
     *       m̂ = -0.3, 0.1666666667, 0.7571428571;  v̂ = 0.09, 0.13, 0.6964864865
     *       (sqrt 0.3, 0.3605551275, 0.8345576592);
     *       w = -2 + 0.03/0.4 = -1.925;  - 0.01666666667/0.4605551275 = -1.961188212;
     *       - 0.07571428571/0.9345576592 = -2.042204386
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void adamUsesBiasCorrectedMoments(Backend backend) {
        assertThreeSteps(backend, "adam", 2, (ops, w, g, s, t) -> ops.adam(w, g, s[0], s[1],
                new OptimizerUpdate.Adam(0.1f, 0.5f, 0.75f, 0.1f, 0f, false, t)), new float[][] {
                {0.9142857143f, -1.925f}, {0.9548811558f, -1.961188212f}, {0.9206122766f, -2.042204386f}});
    }

    /**
     * AdamW: the same moments as Adam above (the decay stays out of the gradient), and before each
     * step w -= lr·wd·w with lr = 0.1, wd = 0.5, i.e. w·0.95:
     * w[0]: 0.95 - 0.06/0.7 = 0.8642857143;
     *       0.95·0.8642857143 = 0.8210714286, + 0.04059544151 = 0.8616668701;
     *       0.95·0.8616668701 = 0.8185835266, - 0.03426887924 = 0.7843146473
     * w[1]: -1.9 + 0.075 = -1.825;
     *       0.95·-1.825 = -1.73375, - 0.03618821216 = -1.769938212;
     *       0.95·-1.769938212 = -1.681441302, - 0.08101617377 = -1.762457475
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void adamWDecaysTheWeightOutsideTheMoments(Backend backend) {
        assertThreeSteps(backend, "adamW", 2, (ops, w, g, s, t) -> ops.adam(w, g, s[0], s[1],
                new OptimizerUpdate.Adam(0.1f, 0.5f, 0.75f, 0.1f, 0.5f, true, t)), new float[][] {
                {0.8642857143f, -1.825f}, {0.8616668701f, -1.769938212f}, {0.7843146473f, -1.762457475f}});
    }

    /**
     * The first Adam step is about lr·sign(g) whatever the gradient's size: m̂1 = g and v̂1 = g², so
     * the step is lr·g/(|g| + ε). With the usual ε = 1e-8 and |g| ≥ 1e-3 that is lr within a relative
     * 1e-5, plus float rounding (≈ 1e-7): tolerance 2e-5·lr. The moments are m = (1-β1)g and
     * v = (1-β2)g² to float rounding (relative 1e-6), where β1 and β2 are the floats nearest 0.9 and
     * 0.999: 1 - 0.999f = 9.9998713e-4, not 1e-3.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void firstAdamStepMovesEachWeightByTheLearningRate(Backend backend) {
        float lr = 1e-3f;
        float beta1 = 0.9f;
        float beta2 = 0.999f;
        float[] gradient = {1e-3f, -1f, 1e3f, -0.02f, 7.5f};
        Shape shape = Shape.of(gradient.length);
        Tensor w = zeros(backend, shape);
        Tensor g = tensor(backend, shape, gradient);
        Tensor m = zeros(backend, shape);
        Tensor v = zeros(backend, shape);
        backend.optimizers().adam(w, g, m, v, new OptimizerUpdate.Adam(lr, beta1, beta2, 1e-8f, 0f, false, 1));
        float[] expectedStep = new float[gradient.length];
        float[] expectedM = new float[gradient.length];
        float[] expectedV = new float[gradient.length];
        for (int i = 0; i < gradient.length; i++) {
            expectedStep[i] = -lr * Math.signum(gradient[i]);
            expectedM[i] = (float) ((1 - (double) beta1) * gradient[i]);
            expectedV[i] = (float) ((1 - (double) beta2) * gradient[i] * gradient[i]);
        }
        assertClose("first adam step", expectedStep, backend.download(w), 2e-5 * lr, 0);
        assertClose("m = (1-β1)g", expectedM, backend.download(m), 0, RTOL);
        assertClose("v = (1-β2)g²", expectedV, backend.download(v), 0, RTOL);
    }

    /**
     * For every optimizer but AdamW, L2 decay means running the plain update on g + wd·w: one step
     * from w0 with decay 0.25 against one step without decay on the gradient g1 + 0.25·w0 =
     * [0.85, -0.8]. Both sides round g + wd·w once, so they agree to float rounding.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void l2DecayEqualsTheUpdateOnTheDecayedGradient(Backend backend) {
        float wd = 0.25f;
        float[] decayed = {GRADIENTS[0][0] + wd * W0[0], GRADIENTS[0][1] + wd * W0[1]};
        List<Update[]> pairs = List.of(
                new Update[] {
                    (ops, w, g, s, t) -> ops.momentum(w, g, s[0], new OptimizerUpdate.Momentum(0.1f, 0.9f, true, wd)),
                    (ops, w, g, s, t) -> ops.momentum(w, g, s[0], new OptimizerUpdate.Momentum(0.1f, 0.9f, true, 0))},
                new Update[] {
                    (ops, w, g, s, t) -> ops.adaGrad(w, g, s[0], new OptimizerUpdate.AdaGrad(0.1f, 0.4f, wd)),
                    (ops, w, g, s, t) -> ops.adaGrad(w, g, s[0], new OptimizerUpdate.AdaGrad(0.1f, 0.4f, 0))},
                new Update[] {
                    (ops, w, g, s, t) -> ops.rmsProp(w, g, s[0], new OptimizerUpdate.RmsProp(0.1f, 0.5f, 0.1f, wd)),
                    (ops, w, g, s, t) -> ops.rmsProp(w, g, s[0], new OptimizerUpdate.RmsProp(0.1f, 0.5f, 0.1f, 0))},
                new Update[] {
                    (ops, w, g, s, t) -> ops.adaDelta(w, g, s[0], s[1], new OptimizerUpdate.AdaDelta(1, 0.5f, 0.04f, wd)),
                    (ops, w, g, s, t) -> ops.adaDelta(w, g, s[0], s[1], new OptimizerUpdate.AdaDelta(1, 0.5f, 0.04f, 0))},
                new Update[] {
                    (ops, w, g, s, t) -> ops.adam(w, g, s[0], s[1],
                            new OptimizerUpdate.Adam(0.1f, 0.5f, 0.75f, 0.1f, wd, false, 1)),
                    (ops, w, g, s, t) -> ops.adam(w, g, s[0], s[1],
                            new OptimizerUpdate.Adam(0.1f, 0.5f, 0.75f, 0.1f, 0, false, 1))});
        for (int i = 0; i < pairs.size(); i++) {
            float[] withDecay = oneStep(backend, GRADIENTS[0], pairs.get(i)[0]);
            float[] onDecayedGradient = oneStep(backend, decayed, pairs.get(i)[1]);
            assertClose("optimizer " + i + " with L2 decay", onDecayedGradient, withDecay, 0, RTOL);
        }
    }

    /**
     * The L1 penalty strength·Σ|w| adds strength·sign(w) to the gradient, 0 at w = 0:
     * strength 0.25, w = [2, -0.5, 0, 1e-30], g = [1, 1, -1, 0] → g = [1.25, 0.75, -1, 0.25]; w is unchanged.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void l1GradientAddsStrengthTimesSignOfTheWeight(Backend backend) {
        float[] weights = {2f, -0.5f, 0f, 1e-30f};
        Tensor w = tensor(backend, Shape.of(4), weights);
        Tensor g = tensor(backend, Shape.of(4), 1f, 1f, -1f, 0f);
        backend.optimizers().addL1Gradient(w, 0.25f, g);
        assertArrayEquals(new float[] {1.25f, 0.75f, -1f, 0.25f}, backend.download(g), 0f, "exact in float");
        assertArrayEquals(weights, backend.download(w), 0f);
        Tensor wrong = zeros(backend, Shape.of(2, 2));
        assertMessage(assertThrows(ShapeMismatchException.class,
                () -> backend.optimizers().addL1Gradient(w, 0.25f, wrong)), "addL1Gradient", "[4]", "[2, 2]");
    }

    // ---- bad arguments ----

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void updatesRejectStateOfAnotherShapeNamingOpAndShapes(Backend backend) {
        Tensor w = zeros(backend, Shape.of(2, 3));
        Tensor g = zeros(backend, Shape.of(2, 3));
        Tensor wrong = zeros(backend, Shape.of(3, 2));
        OptimizerOps ops = backend.optimizers();
        assertMessage(assertThrows(ShapeMismatchException.class,
                () -> ops.sgd(w, wrong, new OptimizerUpdate.Sgd(0.1f, 0))), "sgd", "[2, 3]", "[3, 2]");
        assertMessage(assertThrows(ShapeMismatchException.class,
                        () -> ops.momentum(w, g, wrong, new OptimizerUpdate.Momentum(0.1f, 0.9f, false, 0))),
                "momentum", "velocity", "[2, 3]", "[3, 2]");
        assertMessage(assertThrows(ShapeMismatchException.class,
                        () -> ops.adaGrad(w, g, wrong, new OptimizerUpdate.AdaGrad(0.1f, 1e-7f, 0))),
                "adaGrad", "cache", "[3, 2]");
        assertMessage(assertThrows(ShapeMismatchException.class,
                        () -> ops.adaDelta(w, g, g, wrong, new OptimizerUpdate.AdaDelta(1, 0.95f, 1e-6f, 0))),
                "adaDelta", "squaredDelta", "[3, 2]");
        assertMessage(assertThrows(ShapeMismatchException.class,
                        () -> ops.rmsProp(w, g, wrong, new OptimizerUpdate.RmsProp(0.1f, 0.9f, 1e-7f, 0))),
                "rmsProp", "cache", "[3, 2]");
        assertMessage(assertThrows(ShapeMismatchException.class, () -> ops.adam(w, g, g, wrong,
                new OptimizerUpdate.Adam(1e-3f, 0.9f, 0.999f, 1e-8f, 0, false, 1))), "adam", "[2, 3]", "[3, 2]");
        assertThrows(IllegalArgumentException.class,
                () -> new OptimizerUpdate.Adam(1e-3f, 0.9f, 0.999f, 1e-8f, 0, false, 0), "adam steps count from 1");
    }

    // ---- harness ----

    /**
     * Runs three steps from {@link #W0} with {@link #GRADIENTS} and checks w after each one, on the
     * pair itself and on the pair tiled {@value #LARGE_COPIES} times; also checks that the update
     * leaves the gradient as it was.
     */
    private void assertThreeSteps(Backend backend, String what, int stateTensors, Update update,
                                  float[][] expected) {
        for (int copies : new int[] {1, LARGE_COPIES}) {
            Shape shape = copies == 1 ? Shape.of(2) : Shape.of(copies, 2);
            Tensor w = tensor(backend, shape, tile(W0, copies));
            Tensor g = zeros(backend, shape);
            Tensor[] state = new Tensor[stateTensors];
            for (int i = 0; i < stateTensors; i++) {
                state[i] = zeros(backend, shape);
            }
            for (int t = 1; t <= 3; t++) {
                float[] gradient = tile(GRADIENTS[t - 1], copies);
                backend.tensors().copyFromHost(gradient, g);
                update.apply(backend.optimizers(), w, g, state, t);
                assertClose(what + " on " + shape + " after step " + t, tile(expected[t - 1], copies),
                        backend.download(w), 0, RTOL);
                assertArrayEquals(gradient, backend.download(g), 0f, what + ": the gradient is only read");
            }
        }
    }

    private float[] oneStep(Backend backend, float[] gradient, Update update) {
        Shape shape = Shape.of(2);
        Tensor w = tensor(backend, shape, W0);
        Tensor g = tensor(backend, shape, gradient);
        Tensor[] state = {zeros(backend, shape), zeros(backend, shape)};
        update.apply(backend.optimizers(), w, g, state, 1);
        return backend.download(w);
    }

    private static float[] tile(float[] pair, int copies) {
        float[] out = new float[pair.length * copies];
        for (int i = 0; i < out.length; i++) {
            out[i] = pair[i % pair.length];
        }
        return out;
    }

    private Tensor tensor(Backend backend, Shape shape, float... values) {
        Tensor t = backend.upload(shape, values);
        created.add(t);
        return t;
    }

    private Tensor zeros(Backend backend, Shape shape) {
        Tensor t = backend.allocate(shape);
        created.add(t);
        return t;
    }

    private static void assertMessage(Exception e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment),
                    "message \"" + e.getMessage() + "\" should mention " + fragment);
        }
    }
}
