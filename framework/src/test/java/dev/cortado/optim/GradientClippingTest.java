package dev.cortado.optim;

import static dev.cortado.backend.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.nn.Parameter;
import dev.cortado.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GradientClippingTest {
    /** Norms and scaled values are a few float32 operations on numbers ≤ 5: 1e-6 is a few ulps. */
    private static final double ATOL = 1e-6;

    private static List<Parameter> gradients(Backend b, float[] first, float[] second) {
        return List.of(
                Parameter.weight("a", b.allocate(Shape.of(first.length)), b.upload(Shape.of(first.length), first)),
                Parameter.weight("b", b.allocate(Shape.of(second.length)), b.upload(Shape.of(second.length), second)));
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void byNormScalesAllGradientsTogetherToTheMaximum(Backend b) {
        // Gradients 3 and 4 across two tensors: global norm √(9 + 16) = 5 > 1, so each is scaled by 1/(5 + 1e-6).
        List<Parameter> params = gradients(b, new float[] {3f}, new float[] {4f});
        float norm = GradientClipping.byNorm(1f).apply(b, params);
        assertEquals(5f, norm, ATOL, "the norm before clipping");
        assertClose("a", new float[] {0.6f}, b.download(params.get(0).gradient()), ATOL, 0);
        assertClose("b", new float[] {0.8f}, b.download(params.get(1).gradient()), ATOL, 0);
        assertEquals(1f, b.tensors().globalL2Norm(List.of(params.get(0).gradient(), params.get(1).gradient())), ATOL,
                "the norm after clipping");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void byNormLeavesSmallGradientsAlone(Backend b) {
        List<Parameter> params = gradients(b, new float[] {3f}, new float[] {4f});
        assertEquals(5f, GradientClipping.byNorm(10f).apply(b, params), ATOL);
        assertArrayEquals(new float[] {3f}, b.download(params.get(0).gradient()));
        assertArrayEquals(new float[] {4f}, b.download(params.get(1).gradient()));
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void aNonFiniteNormIsReportedNotSpread(Backend b) {
        List<Parameter> params = gradients(b, new float[] {Float.NaN}, new float[] {4f});
        float norm = GradientClipping.byNorm(1f).apply(b, params);
        assertTrue(Float.isNaN(norm), "NaN norm: " + norm);
        assertArrayEquals(new float[] {4f}, b.download(params.get(1).gradient()), "finite gradients are not scaled by NaN");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void byValueClampsEachElement(Backend b) {
        List<Parameter> params = gradients(b, new float[] {-5f, 2f}, new float[] {3.5f, 0.25f, 9f});
        float norm = GradientClipping.byValue(3f).apply(b, params);
        assertEquals((float) Math.sqrt(25 + 4 + 12.25 + 0.0625 + 81), norm, 1e-5, "the norm before clipping");
        assertArrayEquals(new float[] {-3f, 2f}, b.download(params.get(0).gradient()));
        assertArrayEquals(new float[] {3f, 0.25f, 3f}, b.download(params.get(1).gradient()));
    }

    @Test
    void thresholdsMustBePositive() {
        assertEquals("gradient clipping by norm: threshold must be a finite number > 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> GradientClipping.byNorm(0f)).getMessage());
        assertEquals("gradient clipping by value: threshold must be a finite number > 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> GradientClipping.byValue(-1f)).getMessage());
        assertEquals(GradientClipping.Mode.NONE, GradientClipping.none().mode());
    }
}
