package dev.cortado.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.backend.TestTensors;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One tile C = alpha·Ap·Bp + beta·C straight from the panels, for each micro-kernel, against a
 * double-precision sum. Tolerance: (kc + 3)·2^-24·(|alpha|·Σ|a·b| + |beta·c|), the float32 rounding
 * bound of a length-kc dot product plus the alpha and beta roundings.
 */
class GemmMicroKernelTest {
    static Stream<GemmMicroKernel> kernels() {
        return Stream.of(new VectorMicroKernel(), new ScalarMicroKernel());
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void tileFromPanels(GemmMicroKernel kernel) {
        for (int kc : new int[] {1, 2, 7, 64}) {
            for (float beta : new float[] {0f, 1f, -0.5f}) {
                // bStride = nr: a packed B panel; nr + 5: rows of a wider row-major B read in place.
                checkTile(kernel, kc, beta, kernel.nr());
                checkTile(kernel, kc, beta, kernel.nr() + 5);
            }
        }
    }

    private static void checkTile(GemmMicroKernel kernel, int kc, float beta, int bStride) {
        int mr = kernel.mr();
        int nr = kernel.nr();
        int ldc = nr + 3;
        float alpha = 1.25f;
        float[] ap = TestTensors.uniform(kc, 3 + kc * mr, -1, 1);
        float[] bp = TestTensors.uniform(kc + 1, 5 + kc * bStride, -1, 1);
        float[] c = TestTensors.uniform(kc + 2, 2 + mr * ldc, -1, 1);
        if (beta == 0f) {
            Arrays.fill(c, Float.NaN); // must not be read
        }
        float[] out = c.clone();
        kernel.multiply(kc, ap, 3, bp, 5, bStride, alpha, beta, out, 2, ldc);
        String what = kernel.getClass().getSimpleName() + " kc=" + kc + " beta=" + beta + " bStride=" + bStride;
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                double exact = 0;
                double magnitude = 0;
                for (int p = 0; p < kc; p++) {
                    double prod = (double) ap[3 + p * mr + r] * bp[5 + p * bStride + j];
                    exact += prod;
                    magnitude += Math.abs(prod);
                }
                int ci = 2 + r * ldc + j;
                double before = beta == 0f ? 0 : (double) beta * c[ci];
                double tolerance = (kc + 3) * Math.pow(2, -24) * (alpha * magnitude + Math.abs(before));
                assertEquals(alpha * exact + before, out[ci], tolerance, what + " C[" + r + "][" + j + "]");
            }
        }
        for (int x = 0; x < c.length; x++) {
            boolean inTile = x >= 2 && (x - 2) / ldc < mr && (x - 2) % ldc < nr;
            if (!inTile) {
                assertEquals(Float.floatToRawIntBits(c[x]), Float.floatToRawIntBits(out[x]),
                        what + ": element " + x + " outside the tile was written");
            }
        }
    }
}
