package dev.cortado.backend;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;

/**
 * The sizes of {@link BlasOps#gemm}'s row-major product, c[m×n] = op(a)[m×k]·op(b)[k×n], with the
 * row strides of a and b as stored. {@link #of} validates the operands once for every backend.
 */
public record GemmShape(int m, int n, int k, int aColumns, int bColumns) {
    private static final String OP = "gemm";

    /** The product's sizes, or an exception naming the three shapes when they do not fit. */
    public static GemmShape of(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        Shape sa = a.shape();
        Shape sb = b.shape();
        Shape sc = c.shape();
        if (sa.rank() < 2 || sb.rank() < 2 || sc.rank() < 2) {
            throw new ShapeMismatchException(OP + ": a, b and c must have rank 2 or more (read as [dim0, rest]), got a "
                    + sa + ", b " + sb + ", c " + sc);
        }
        int aCols = sa.sampleSize();
        int bCols = sb.sampleSize();
        int m = transA ? aCols : sa.dim(0);
        int k = transA ? sa.dim(0) : aCols;
        int kb = transB ? bCols : sb.dim(0);
        int n = transB ? sb.dim(0) : bCols;
        if (k != kb || sc.dim(0) != m || sc.sampleSize() != n) {
            throw new ShapeMismatchException(String.format(
                    "%s: op(a) is %d×%d and op(b) is %d×%d, so c must be %d×%d and the inner sizes equal;"
                            + " got a %s%s, b %s%s, c %s", OP, m, k, kb, n, m, n,
                    sa, transA ? " (transposed)" : "", sb, transB ? " (transposed)" : "", sc));
        }
        if (c.buffer() == a.buffer() || c.buffer() == b.buffer()) {
            throw new IllegalArgumentException(OP + ": c " + sc + " shares memory with an input; write the product"
                    + " to a separate tensor");
        }
        return new GemmShape(m, n, k, aCols, bCols);
    }
}
