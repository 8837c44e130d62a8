package dev.cortado.backend;

import dev.cortado.tensor.Tensor;

/** Matrix multiply on row-major matrices; a tensor of rank above 2 is read as {@code [dim0, rest]}. */
public interface BlasOps {
    /**
     * c = alpha·op(a)·op(b) + beta·c, where op transposes when asked. With beta = 0, c's previous
     * contents are ignored (NaN included), as in BLAS.
     */
    void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c);
}
