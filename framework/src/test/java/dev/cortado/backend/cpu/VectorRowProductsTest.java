package dev.cortado.backend.cpu;

import static dev.cortado.backend.TestTensors.assertClose;
import static dev.cortado.backend.TestTensors.uniform;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * C = A·Bᵀ by row dot products, c[i][j] = Σ_p a[i][p]·b[j][p], against a double-precision sum, over
 * shapes that take every path: whole 3×4 tiles, leftover rows and columns, the transposed tiling
 * (m a multiple of 4 and n of 3, as 16×144), lengths with and without a scalar tail, and both
 * overwrite and accumulate. Operands sit at offsets inside larger arrays with padded strides.
 */
class VectorRowProductsTest {
    /** Sums of up to 300 products of values below 1 in float: a few 1e-6 relative; 1e-5 leaves room. */
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "{0}x{1}, length {2}")
    @CsvSource({"6, 25, 300", "16, 144, 37", "4, 9, 16", "3, 4, 1", "5, 7, 50", "1, 1, 0", "16, 150, 100"})
    void dotProductsOfRows(int m, int n, int len) {
        int lda = len + 3;
        int ldb = len + 5;
        int ldc = n + 2;
        float[] a = uniform(1, 7 + m * lda, -1, 1);
        float[] b = uniform(2, 11 + n * ldb, -1, 1);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] c = uniform(3, 13 + m * ldc, -1, 1);
            float[] expected = c.clone();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = accumulate ? c[13 + i * ldc + j] : 0;
                    for (int p = 0; p < len; p++) {
                        s += (double) a[7 + i * lda + p] * b[11 + j * ldb + p];
                    }
                    expected[13 + i * ldc + j] = (float) s;
                }
            }
            VectorRowProducts.multiplyTransposed(m, n, len, a, 7, lda, b, 11, ldb, accumulate, c, 13, ldc);
            assertClose(m + "x" + n + " accumulate " + accumulate, expected, c, TOLERANCE, TOLERANCE);
        }
    }
}
