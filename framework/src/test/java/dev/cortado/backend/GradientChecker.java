package dev.cortado.backend;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Finite-difference gradient checking, as in Caffe's GradientChecker: for a scalar function L of
 * an input x, compares an analytic ∂L/∂x with the central difference (L(x+h) - L(x-h)) / 2h.
 *
 * <p>Ops run in float32, so L carries a rounding error of about ulp(L) ≈ 6e-8·|L|; the central
 * difference then has an error near ulp(L)/h plus the truncation term h²·L'''/6. With h = 1e-2
 * both stay below 1e-3 for the unit-scale inputs the tests use; the tolerances each test passes
 * are chosen on that basis. Kinks (ReLU at 0, max-pool ties) must be kept further than h away
 * from the sampled inputs, which the tests' random inputs make likely and the checker verifies by
 * comparing the one-sided differences.
 */
public final class GradientChecker {
    private final double step;
    private final double absoluteTolerance;
    private final double relativeTolerance;
    private final int maxChecks;

    public GradientChecker(double step, double absoluteTolerance, double relativeTolerance, int maxChecks) {
        this.step = step;
        this.absoluteTolerance = absoluteTolerance;
        this.relativeTolerance = relativeTolerance;
        this.maxChecks = maxChecks;
    }

    /** h = 1e-2, atol = 2e-3, rtol = 2e-2, at most 256 sampled elements. */
    public static GradientChecker standard() {
        return new GradientChecker(1e-2, 2e-3, 2e-2, 256);
    }

    /**
     * Checks {@code analytic} against finite differences of {@code loss} at {@code x}. The loss
     * function must not keep or modify its argument. Elements whose one-sided differences disagree
     * strongly (a kink within h) are skipped, and at most a quarter of the checks may be skipped.
     */
    public void check(String what, float[] x, float[] analytic, ToDoubleFunction<float[]> loss) {
        if (analytic.length != x.length) {
            fail(what + ": analytic gradient has " + analytic.length + " elements, input has " + x.length);
        }
        int[] indices = sample(x.length);
        float[] probe = x.clone();
        double center = loss.applyAsDouble(probe);
        int skipped = 0;
        for (int i : indices) {
            float original = probe[i];
            probe[i] = (float) (original + step);
            double plus = loss.applyAsDouble(probe);
            probe[i] = (float) (original - step);
            double minus = loss.applyAsDouble(probe);
            probe[i] = original;
            double h = ((double) (float) (original + step) - (float) (original - step)) / 2;
            double numeric = (plus - minus) / (2 * h);
            double forward = (plus - center) / h;
            double backward = (center - minus) / h;
            if (Math.abs(forward - backward) > 10 * (absoluteTolerance + relativeTolerance * Math.abs(numeric))
                    && Math.abs(forward - backward) > 0.1 * Math.max(Math.abs(forward), Math.abs(backward))) {
                skipped++;
                continue;
            }
            double error = Math.abs(numeric - analytic[i]);
            if (error > absoluteTolerance + relativeTolerance * Math.max(Math.abs(numeric), Math.abs(analytic[i]))) {
                fail(String.format("%s: gradient at element %d is %.6g analytically but %.6g numerically"
                        + " (|diff| %.3g, atol %.1g, rtol %.1g)", what, i, analytic[i], numeric, error,
                        absoluteTolerance, relativeTolerance));
            }
        }
        if (skipped > indices.length / 4) {
            fail(what + ": " + skipped + " of " + indices.length + " elements sit on a kink; use other inputs");
        }
    }

    private int[] sample(int n) {
        if (n <= maxChecks) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        SplittableRandom random = new SplittableRandom(n);
        int[] picked = new int[maxChecks];
        for (int i = 0; i < maxChecks; i++) {
            picked[i] = random.nextInt(n);
        }
        return picked;
    }
}
