package dev.cortado.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.nn.init.Distribution;
import dev.cortado.nn.init.FanMode;
import dev.cortado.nn.init.Fans;
import dev.cortado.nn.init.InitSpec;
import dev.cortado.tensor.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Initializers on the host. Variance checks draw n = 200,000 values: the sample variance of n draws
 * has a relative standard error of √((κ - 1)/n), κ being the kurtosis (3 for a normal, 1.8 for a
 * uniform), i.e. 0.32% and 0.20%; a 2% tolerance is over 6 standard errors, so the tests neither
 * flake nor miss a wrong factor (the nearest plausible bug, a √2 or fan-in/fan-out mix-up, is 40%+).
 */
class InitSpecTest {
    private static final int N = 200_000;

    private static float[] draw(InitSpec init, Fans fans, long seed) {
        float[] v = new float[N];
        init.fill(v, fans, new SplittableRandom(seed));
        return v;
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double variance(float[] v) {
        double m = mean(v);
        double s = 0;
        for (float x : v) {
            s += (x - m) * (x - m);
        }
        return s / (v.length - 1);
    }

    private static void assertVariance(String what, double expected, float[] v) {
        double actual = variance(v);
        assertEquals(expected, actual, 0.02 * expected, what + ": variance");
        // The mean's standard error is σ/√n ≈ 0.0022σ; 0.01σ is 4.5 standard errors.
        assertEquals(0, mean(v), 0.01 * Math.sqrt(expected), what + ": mean");
    }

    @Test
    void fansOfAConvolutionCountTheReceptiveField() {
        // [K, C/g, kh, kw] = [16, 6, 5, 5]: fan-in C/g·kh·kw = 150, fan-out K·kh·kw = 400.
        Fans f = Fans.ofWeight(Shape.of(16, 6, 5, 5));
        assertEquals(new Fans(150, 400), f);
        assertEquals(275.0, f.fan(FanMode.FAN_AVERAGE));
        assertEquals(new Fans(400, 120), Fans.ofWeight(Shape.of(120, 400)));
    }

    @Test
    void heNormalHasVarianceTwoOverFanIn() {
        Fans fans = new Fans(500, 300);
        assertVariance("he normal, fan-in", 2.0 / 500, draw(InitSpec.heNormal(), fans, 1));
        assertVariance("he uniform, fan-in", 2.0 / 500, draw(InitSpec.heUniform(), fans, 2));
        assertVariance("he normal, fan-out", 2.0 / 300,
                draw(new InitSpec.He(Distribution.NORMAL, FanMode.FAN_OUT, 0f), fans, 3));
        // Leaky ReLU of slope a: gain² = 2/(1 + a²).
        assertVariance("he normal, a = 0.5", 2.0 / (1 + 0.25) / 500,
                draw(new InitSpec.He(Distribution.NORMAL, FanMode.FAN_IN, 0.5f), fans, 4));
    }

    @Test
    void xavierHasVarianceTwoOverFanInPlusFanOut() {
        Fans fans = new Fans(500, 300);
        assertVariance("xavier uniform", 2.0 / 800, draw(InitSpec.xavierUniform(), fans, 5));
        assertVariance("xavier normal", 2.0 / 800, draw(InitSpec.xavierNormal(), fans, 6));
        assertVariance("xavier normal, gain 2, fan-in", 4.0 / 500,
                draw(new InitSpec.Xavier(Distribution.NORMAL, FanMode.FAN_IN, 2f), fans, 7));
    }

    @Test
    void xavierUniformBoundIsSqrtSixOverFanSum() {
        float[] v = draw(InitSpec.xavierUniform(), new Fans(500, 300), 8);
        double bound = Math.sqrt(6.0 / 800);
        double max = 0;
        for (float x : v) {
            max = Math.max(max, Math.abs(x));
        }
        assertTrue(max <= bound, "all draws within ±√(6/(in+out))");
        // With 200,000 draws the largest |x| falls short of the bound by about bound/N.
        assertEquals(bound, max, 1e-3 * bound);
    }

    @Test
    void pytorchDefaultIsUniformWithinOneOverSqrtFanIn() {
        // kaiming_uniform(a = √5): bound = √3·√(2/(1+5))/√fan_in = 1/√fan_in, here 1/√150.
        Fans fans = Fans.ofWeight(Shape.of(16, 6, 5, 5));
        float[] v = draw(InitSpec.pytorchDefault(), fans, 9);
        double bound = 1 / Math.sqrt(150);
        double max = 0;
        for (float x : v) {
            assertTrue(Math.abs(x) <= bound * (1 + 1e-6), "|" + x + "| exceeds 1/√150");
            max = Math.max(max, Math.abs(x));
        }
        assertEquals(bound, max, 1e-3 * bound);
        assertVariance("U(±b) has variance b²/3", bound * bound / 3, v);
    }

    @Test
    void plainUniformNormalAndConstant() {
        Fans unused = new Fans(1, 1);
        float[] u = draw(new InitSpec.Uniform(-2f, 4f), unused, 10);
        // U(a, b): mean (a+b)/2 = 1, variance (b-a)²/12 = 3.
        assertEquals(1.0, mean(u), 0.02);
        assertEquals(3.0, variance(u), 0.06);
        float[] n = draw(new InitSpec.Normal(5f, 0.5f), unused, 11);
        assertEquals(5.0, mean(n), 0.01);
        assertEquals(0.25, variance(n), 0.005);
        float[] c = new float[7];
        new InitSpec.Constant(0.25f).fill(c, unused, new SplittableRandom(1));
        float[] expected = new float[7];
        Arrays.fill(expected, 0.25f);
        assertArrayEquals(expected, c);
        InitSpec.zeros().fill(c, unused, new SplittableRandom(1));
        assertArrayEquals(new float[7], c);
    }

    @Test
    void theSameSeedAndNameGiveTheSameDrawsAndOthersDiffer() {
        ParameterFactory a = new ParameterFactory(null, 42);
        ParameterFactory b = new ParameterFactory(null, 42);
        ParameterFactory other = new ParameterFactory(null, 43);
        float[] x = new float[64];
        float[] y = new float[64];
        float[] z = new float[64];
        float[] w = new float[64];
        Fans fans = new Fans(8, 8);
        InitSpec.heNormal().fill(x, fans, a.random("conv1.weight"));
        InitSpec.heNormal().fill(y, fans, b.random("conv1.weight"));
        InitSpec.heNormal().fill(z, fans, other.random("conv1.weight"));
        InitSpec.heNormal().fill(w, fans, a.random("conv2.weight"));
        assertArrayEquals(x, y);
        assertFalse(Arrays.equals(x, z), "another seed draws other values");
        assertFalse(Arrays.equals(x, w), "another parameter name draws other values");
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new InitSpec.Uniform(1f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new InitSpec.Normal(0f, -1f));
        assertThrows(IllegalArgumentException.class, () -> new InitSpec.Xavier(Distribution.NORMAL, FanMode.FAN_IN, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Fans(0, 3));
    }
}
