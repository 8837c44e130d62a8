package dev.cortado.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The textbook triple loop in double precision, C = alpha·op(A)·op(B) + beta·C, with the error
 * bound a float32 GEMM must meet against it.
 *
 * <p>Bound (Higham, "Accuracy and Stability of Numerical Algorithms", §3.5): a float32 dot product
 * of length k, summed in any order, differs from the exact value by at most γ_k·Σ|a_p·b_p| with
 * γ_k = k·u/(1 - k·u) and u = 2^-24; scaling by alpha and adding beta·c cost two more roundings. So
 * each element must lie within (k + 3)·u·(|alpha|·Σ_p |a_ip·b_pj| + |beta·c_ij|) of the exact value,
 * plus a few ulps of slack for the rounding of the bound itself.
 */
final class GemmReference {
    private static final double UNIT_ROUNDOFF = Math.pow(2, -24);

    private GemmReference() {
    }

    /** One GEMM call's arguments; c is the caller's array before the call. */
    record Call(boolean transA, boolean transB, int m, int n, int k, float alpha,
                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float beta, float[] c, int cOff, int ldc) {

        float[] run(CpuGemm gemm) {
            float[] out = c.clone();
            gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        float opA(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float opB(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        @Override
        public String toString() {
            return String.format("%s%s m=%d n=%d k=%d alpha=%s beta=%s lda=%d ldb=%d ldc=%d offsets %d/%d/%d",
                    transA ? "Aᵀ" : "A", transB ? "Bᵀ" : "B", m, n, k, alpha, beta, lda, ldb, ldc, aOff, bOff, cOff);
        }
    }

    /**
     * Fails unless {@code actual} (the array after the call) matches the exact product inside the
     * m×n window of C within the float32 bound, and equals the original array bit for bit outside it.
     */
    static void assertMatches(Call call, float[] actual) {
        boolean[] inside = new boolean[call.c().length];
        for (int i = 0; i < call.m(); i++) {
            for (int j = 0; j < call.n(); j++) {
                int ci = call.cOff() + i * call.ldc() + j;
                inside[ci] = true;
                double exact = 0;
                double magnitude = 0;
                for (int p = 0; p < call.k(); p++) {
                    double prod = (double) call.opA(i, p) * call.opB(p, j);
                    exact += prod;
                    magnitude += Math.abs(prod);
                }
                exact *= call.alpha();
                magnitude *= Math.abs(call.alpha());
                if (call.beta() != 0f) {
                    exact += (double) call.beta() * call.c()[ci];
                    magnitude += Math.abs((double) call.beta() * call.c()[ci]);
                }
                double bound = (call.k() + 3) * UNIT_ROUNDOFF * magnitude + 4 * Math.ulp((float) exact);
                double error = Math.abs(actual[ci] - exact);
                if (!(error <= bound)) {
                    fail(String.format("%s: C[%d][%d] = %.9g, exact %.9g, |error| %.3g > bound %.3g",
                            call, i, j, actual[ci], exact, error, bound));
                }
            }
        }
        for (int x = 0; x < inside.length; x++) {
            if (!inside[x]) {
                assertEquals(Float.floatToRawIntBits(call.c()[x]), Float.floatToRawIntBits(actual[x]),
                        call + ": element " + x + " outside the m×n window of C was written");
            }
        }
    }
}
