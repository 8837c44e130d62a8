package dev.cortado.backend;

import static dev.cortado.backend.TestTensors.assertClose;
import static dev.cortado.backend.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Losses with mean reduction (PyTorch's default) and their gradients with respect to the input. */
class LossConformanceTest {

    /** A loss value with the gradient it wrote. */
    private record Result(float loss, float[] grad) {
    }

    private static Result crossEntropy(Backend b, Shape shape, float[] logits, float[] labels, float smoothing) {
        try (Tensor z = b.upload(shape, logits); Tensor y = b.upload(Shape.of(shape.batch()), labels);
             Tensor g = b.allocate(shape)) {
            float loss = b.losses().softmaxCrossEntropy(z, y, smoothing, g);
            return new Result(loss, b.download(g));
        }
    }

    private static Result binaryCrossEntropy(Backend b, Shape shape, float[] logits, float[] targets) {
        try (Tensor z = b.upload(shape, logits); Tensor t = b.upload(shape, targets); Tensor g = b.allocate(shape)) {
            float loss = b.losses().binaryCrossEntropyWithLogits(z, t, g);
            return new Result(loss, b.download(g));
        }
    }

    private static Result meanSquaredError(Backend b, Shape shape, float[] prediction, float[] target) {
        try (Tensor p = b.upload(shape, prediction); Tensor t = b.upload(shape, target); Tensor g = b.allocate(shape)) {
            float loss = b.losses().meanSquaredError(p, t, g);
            return new Result(loss, b.download(g));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void lectureExampleCrossEntropy(Backend b) {
        // The deck: u = (14, 11, 16), correct class 3 (index 2): J = -log(0.8756) = 0.1328, rounded to four
        // decimals, hence 1e-4. The gradient is softmax - onehot = (0.11849965, 0.00589975, 0.87560060 - 1).
        Result r = crossEntropy(b, Shape.of(1, 3), new float[] {14, 11, 16}, new float[] {2}, 0);
        assertEquals(0.1328, r.loss(), 1e-4);
        assertClose("gradient", new float[] {0.11849965f, 0.00589975f, -0.12439940f}, r.grad(), 1e-6, 0);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void labelSmoothingMixesInTheUniformDistribution(Backend b) {
        // ε = 0.1 over C = 3: target t = 0.9·onehot + 0.1/3. Loss = Σ t_c·(lse - z_c)
        //   = lse - 0.9·16 - (0.1/3)·(14 + 11 + 16) with lse = 16 + log(1 + e^-2 + e^-5) = 16.13284523,
        //   = 0.36617857 (as PyTorch's CrossEntropyLoss(label_smoothing=0.1)). Gradient: softmax - t.
        Result r = crossEntropy(b, Shape.of(1, 3), new float[] {14, 11, 16}, new float[] {2}, 0.1f);
        // Logits up to 16 in float: lse and z carry ~1e-6 error, the loss a few of those.
        assertEquals(0.36617857, r.loss(), 1e-5);
        float third = 0.1f / 3;
        assertClose("gradient", new float[] {0.11849965f - third, 0.00589975f - third, 0.87560060f - 0.9f - third},
                r.grad(), 1e-6, 0);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void crossEntropyOfLargeLogitsIsFinite(Backend b) {
        // Through log-sum-exp, logits (1000, 1001, 1002) give exactly the loss of (0, 1, 2): for class 0 that is
        // log(1 + e + e²) = 2.40760596. Float logits of 1000 carry 6e-5 absolute precision, hence 1e-4.
        Result r = crossEntropy(b, Shape.of(1, 3), new float[] {1000, 1001, 1002}, new float[] {0}, 0);
        assertEquals(2.40760596, r.loss(), 1e-4);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void crossEntropyGradientMatchesFiniteDifferences(Backend b) {
        for (float smoothing : new float[] {0, 0.2f}) {
            Shape shape = Shape.of(5, 4);
            float[] logits = uniform(131, shape.intSize(), -3, 3);
            float[] labels = {0, 3, 1, 1, 2};
            Result r = crossEntropy(b, shape, logits, labels, smoothing);
            // The loss is the scalar itself; it is smooth with |∂²| ≤ 1/4N, so standard tolerances hold easily.
            GradientChecker.standard().check("cross-entropy, smoothing " + smoothing, logits, r.grad(),
                    p -> crossEntropy(b, shape, p, labels, smoothing).loss());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void binaryCrossEntropyIsStableAndAveragedOverElements(Backend b) {
        // ℓ(z, t) = max(z, 0) - z·t + log(1 + e^-|z|):
        //   ℓ(0, 1) = log 2 = 0.69314718, ℓ(2, 0.25) = 1.62692801, ℓ(-3, 1) = 3.04858735, ℓ(-100, 0) ≈ 3.7e-44;
        //   mean = 1.34216564. Gradient (σ(z) - t)/4 = ((0.5 - 1), (0.88079708 - 0.25), (0.04742587 - 1), 0)/4.
        Result r = binaryCrossEntropy(b, Shape.of(2, 2), new float[] {0, 2, -3, -100}, new float[] {1, 0.25f, 1, 0});
        assertEquals(1.34216564, r.loss(), 1e-6);
        assertClose("gradient", new float[] {-0.125f, 0.15769927f, -0.23814353f, 0}, r.grad(), 1e-7, 1e-6);
        // z = 100 with t = 0 costs 100 (the naive -log(1 - σ(z)) would give log 0 = -∞ in float).
        Result far = binaryCrossEntropy(b, Shape.of(1), new float[] {100}, new float[] {0});
        assertEquals(100, far.loss(), 1e-4);
        assertClose("saturated gradient", new float[] {1}, far.grad(), 1e-7, 0);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void binaryCrossEntropyGradientMatchesFiniteDifferences(Backend b) {
        Shape shape = Shape.nchw(2, 3, 2, 2);
        float[] logits = uniform(141, shape.intSize(), -4, 4);
        float[] targets = uniform(142, shape.intSize(), 0, 1);
        Result r = binaryCrossEntropy(b, shape, logits, targets);
        GradientChecker.standard().check("binary cross-entropy", logits, r.grad(),
                p -> binaryCrossEntropy(b, shape, p, targets).loss());
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void meanSquaredErrorByHand(Backend b) {
        // p = (1, 2, 3), t = (0, 2, 5): mean of (1, 0, 4) = 5/3; gradient 2(p - t)/3 = (2/3, 0, -4/3).
        Result r = meanSquaredError(b, Shape.of(3), new float[] {1, 2, 3}, new float[] {0, 2, 5});
        assertEquals(5.0 / 3, r.loss(), 1e-6);
        assertClose("gradient", new float[] {2f / 3, 0, -4f / 3}, r.grad(), 1e-7, 1e-6);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void meanSquaredErrorGradientMatchesFiniteDifferences(Backend b) {
        Shape shape = Shape.of(6, 5);
        float[] prediction = uniform(151, shape.intSize(), -2, 2);
        float[] target = uniform(152, shape.intSize(), -2, 2);
        Result r = meanSquaredError(b, shape, prediction, target);
        // Quadratic: central differences are exact up to float rounding of the loss.
        GradientChecker.standard().check("mean squared error", prediction, r.grad(),
                p -> meanSquaredError(b, shape, p, target).loss());
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void lossWithoutGradientEqualsLossWithGradient(Backend b) {
        Shape shape = Shape.of(3, 4);
        float[] logits = uniform(161, shape.intSize(), -2, 2);
        try (Tensor z = b.upload(shape, logits); Tensor y = b.upload(Shape.of(3), 1, 0, 3);
             Tensor t = b.upload(shape, uniform(162, 12, 0, 1))) {
            assertEquals(crossEntropy(b, shape, logits, new float[] {1, 0, 3}, 0).loss(),
                    b.losses().softmaxCrossEntropy(z, y, 0, null));
            assertEquals(binaryCrossEntropy(b, shape, logits, b.download(t)).loss(),
                    b.losses().binaryCrossEntropyWithLogits(z, t, null));
            assertEquals(meanSquaredError(b, shape, logits, b.download(t)).loss(),
                    b.losses().meanSquaredError(z, t, null));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void agreesWithTheReferenceBackend(Backend b) {
        assumeFalse(b == BackendsUnderTest.reference(), "the reference backend is what the others are compared with");
        Backend ref = BackendsUnderTest.reference();
        Shape shape = Shape.of(64, 10);
        float[] logits = uniform(171, shape.intSize(), -5, 5);
        float[] labels = new float[64];
        for (int i = 0; i < 64; i++) {
            labels[i] = i % 10;
        }
        Result expected = crossEntropy(ref, shape, logits, labels, 0.1f);
        Result actual = crossEntropy(b, shape, logits, labels, 0.1f);
        // Sums of 640 terms in different orders: 1e-5 relative.
        assertEquals(expected.loss(), actual.loss(), 1e-5 * Math.abs(expected.loss()));
        assertClose("cross-entropy gradient", expected.grad(), actual.grad(), 1e-7, 1e-5);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void labelOutsideTheClassesIsRejectedNamingRowAndLabel(Backend b) {
        Shape shape = Shape.of(3, 4);
        for (float bad : new float[] {4, -1, 1.5f}) {
            try (Tensor z = b.allocate(shape); Tensor y = b.upload(Shape.of(3), 0, bad, 2)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> b.losses().softmaxCrossEntropy(z, y, 0, null));
                assertTrue(e.getMessage().contains("cross-entropy") && e.getMessage().contains("row 1")
                        && e.getMessage().contains(String.valueOf(bad)) && e.getMessage().contains("[0, 4)"),
                        e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void mismatchedShapesAreRejectedNamingOpAndShapes(Backend b) {
        try (Tensor z = b.allocate(Shape.of(2, 3)); Tensor labels = b.allocate(Shape.of(3));
             Tensor t = b.allocate(Shape.of(3, 2))) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> b.losses().softmaxCrossEntropy(z, labels, 0, null));
            assertTrue(e.getMessage().contains("cross-entropy") && e.getMessage().contains("labels")
                    && e.getMessage().contains("[2]") && e.getMessage().contains("[3]"), e.getMessage());
            e = assertThrows(ShapeMismatchException.class, () -> b.losses().meanSquaredError(z, t, null));
            assertTrue(e.getMessage().contains("mean squared error") && e.getMessage().contains("[2, 3]")
                    && e.getMessage().contains("[3, 2]"), e.getMessage());
            e = assertThrows(ShapeMismatchException.class, () -> b.losses().binaryCrossEntropyWithLogits(z, t, null));
            assertTrue(e.getMessage().contains("binary cross-entropy") && e.getMessage().contains("[3, 2]"),
                    e.getMessage());
        }
    }
}
