package dev.cortado.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.backend.TestTensors;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One tile C = alpha·Ap·Bp + beta·C straight from packed panels, for each micro-kernel, against a
 * double-precision sum. Tolerance: (kc + 3)·2^-24·(|alpha|·Σ|a·b| + |beta·c|), the float32 rounding
 * bound of a length-kc dot product plus the alpha and beta roundings.
 */
class GemmMicroKernelTest {
    static Stream<GemmMicroKernel> kernels() {
        return Stream.of(new VectorMicroKernel(), new ScalarMicroKernel());
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void tileFromPackedPanels(GemmMicroKernel kernel) {
        int mr = kernel.mr();
        int nr = kernel.nr();
        for (int kc : new int[] {1, 2, 7, 64}) {
            for (float beta : new float[] {0f, 1f, -0.5f}) {
                float[] ap = TestTensors.uniform(kc, 3 + kc * mr, -1, 1);
                float[] bp = TestTensors.uniform(kc + 1, 5 + kc * nr, -1, 1);
                int ldc = nr + 3;
                float[] c = beta == 0f ? new float[2 + mr * ldc] : TestTensors.uniform(kc + 2, 2 + mr * ldc, -1, 1);
                if (beta == 0f) {
                    Arrays.fill(c, Float.NaN);
                }
                float[] out = c.clone();
                float alpha = 1.25f;
                kernel.multiply(kc, ap, 3, bp, 5, alpha, beta, out, 2, ldc);
                for (int r = 0; r < mr; r++) {
                    for (int j = 0; j < nr; j++) {
                        double exact = 0;
                        double magnitude = 0;
                        for (int p = 0; p < kc; p++) {
                            double prod = (double) ap[3 + p * mr + r] * bp[5 + p * nr + j];
                            exact += prod;
                            magnitude += Math.abs(prod);
                        }
                        int ci = 2 + r * ldc + j;
                        double before = beta == 0f ? 0 : (double) beta * c[ci];
                        exact = alpha * exact + before;
                        magnitude = alpha * magnitude + Math.abs(before);
                        double tolerance = (kc + 3) * Math.pow(2, -24) * magnitude;
                        assertEquals(exact, out[ci], tolerance,
                                kernel.getClass().getSimpleName() + " kc=" + kc + " beta=" + beta + " C[" + r + "][" + j + "]");
                    }
                }
                for (int x = 0; x < c.length; x++) {
                    int r = (x - 2) / ldc;
                    int j = (x - 2) % ldc;
                    if (x < 2 || r >= mr || j >= nr) {
                        assertEquals(Float.floatToRawIntBits(c[x]), Float.floatToRawIntBits(out[x]),
                                "element " + x + " outside the tile was written");
                    }
                }
            }
        }
    }
}
