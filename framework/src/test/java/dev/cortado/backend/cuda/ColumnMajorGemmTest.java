package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.backend.TestTensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The row-major to column-major mapping, checked by executing the mapped call with a column-major
 * reference SGEMM (what cuBLAS computes, by its documented definition) on the row-major arrays and
 * comparing with a row-major reference of C = alpha·op(A)·op(B) + beta·C.
 */
class ColumnMajorGemmTest {

    /** BLAS's column-major SGEMM on flat arrays: element (i, j) of X lives at x[i + j·ldx]. */
    static void columnMajorSgemm(ColumnMajorGemm g, float alpha, float[] a, float[] b, float beta, float[] c) {
        for (int i = 0; i < g.m(); i++) {
            for (int j = 0; j < g.n(); j++) {
                double s = 0;
                for (int p = 0; p < g.k(); p++) {
                    float av = g.transA() ? a[p + i * g.lda()] : a[i + p * g.lda()];
                    float bv = g.transB() ? b[j + p * g.ldb()] : b[p + j * g.ldb()];
                    s += (double) av * bv;
                }
                int at = i + j * g.ldc();
                c[at] = (float) (alpha * s + (beta == 0 ? 0 : beta * c[at]));
            }
        }
    }

    /** Row-major reference: a is M×K (K×M when transposed), b is K×N (N×K when transposed). */
    static float[] rowMajorReference(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, float[] b,
                                     float beta, float[] c) {
        float[] out = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = ta ? a[p * m + i] : a[i * k + p];
                    float bv = tb ? b[j * k + p] : b[p * n + j];
                    s += (double) av * bv;
                }
                out[i * n + j] = (float) (alpha * s + beta * c[i * n + j]);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "transA={0} transB={1} M={2} N={3} K={4}")
    @CsvSource({
        "false, false, 2, 3, 4",
        "true, false, 2, 3, 4",
        "false, true, 2, 3, 4",
        "true, true, 2, 3, 4",
        "false, false, 1, 5, 1",
        "true, true, 7, 1, 3",
        "false, true, 5, 5, 6"})
    void theMappedColumnMajorCallComputesTheRowMajorProduct(boolean ta, boolean tb, int m, int n, int k) {
        float[] a = TestTensors.uniform(1, m * k, -1, 1);
        float[] b = TestTensors.uniform(2, k * n, -1, 1);
        float[] c = TestTensors.uniform(3, m * n, -1, 1);
        float alpha = 1.5f;
        float beta = 0.5f;
        float[] expected = rowMajorReference(ta, tb, m, n, k, alpha, a, b, beta, c);

        ColumnMajorGemm g = ColumnMajorGemm.fromRowMajor(ta, tb, m, n, k);
        float[] actual = c.clone();
        columnMajorSgemm(g, alpha, b, a, beta, actual); // cuBLAS's A is our b, its B our a
        // Both sides sum in double the same products and round once: equal up to float rounding.
        TestTensors.assertClose("gemm mapping", expected, actual, 1e-6, 1e-6);
    }

    @ParameterizedTest
    @CsvSource({"false, false, 3, 5, 4, 5, 4, 5", "true, false, 3, 5, 4, 5, 3, 5", "false, true, 3, 5, 4, 4, 4, 5"})
    void operandsAndDimensionsSwap(boolean ta, boolean tb, int m, int n, int k, int lda, int ldb, int ldc) {
        ColumnMajorGemm g = ColumnMajorGemm.fromRowMajor(ta, tb, m, n, k);
        assertEquals(new ColumnMajorGemm(tb, ta, n, m, k, lda, ldb, ldc), g);
    }
}
