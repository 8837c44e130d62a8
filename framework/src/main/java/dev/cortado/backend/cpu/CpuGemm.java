package dev.cortado.backend.cpu;

/**
 * Single-precision GEMM on row-major host arrays, blocked as in Goto and van de Geijn, "Anatomy of
 * High-Performance Matrix Multiplication" (2008) and the BLIS framework: for each nc-wide slab of C
 * and each kc-deep slice of the product, a kc×nc panel of B is packed once and stays in L2/L3; for
 * each mc-tall block of rows an mc×kc block of A is packed and stays in L2; a register-blocked
 * {@link GemmMicroKernel} then sweeps mr×nr tiles of C, keeping the current kc×nr sliver of B in L1.
 *
 * <p>Threads split C along the side with more micro-tiles (rows of C unless it is much wider than
 * tall), in whole tiles so that no thread gets extra edge tiles; each thread packs into its own
 * {@link GemmWorkspace}, the price being that each packs the whole of the operand it shares. Products below {@link #PARALLEL_THRESHOLD}
 * multiply-adds run on the calling thread, where waking a worker would cost more than it saves.
 */
public final class CpuGemm {
    /**
     * Multiply-adds (m·n·k) below which a product runs on one thread: about 50 µs of work on one
     * core. Measured on 2 shared cores, 64×400×120 (3M) ran at 88 GFLOP/s on one thread and 67 on two.
     */
    static final long PARALLEL_THRESHOLD = 1L << 22;

    /**
     * Row panels of A up to which a row-major B is read in place instead of packed: packing costs a
     * read and a write of each element of B, which only a few row panels share. Measured on Zen 5 for
     * ResNet-20's 8×8 stage (64×576 times 576×8192, one thread): 45 GFLOP/s packed, 64-72 in place.
     */
    static final int DIRECT_B_MAX_ROW_PANELS = 16;

    private final ParallelLoop loop;
    private final GemmMicroKernel kernel;
    private final int mr;
    private final int nr;
    private final int mc;
    private final int kc;
    private final int nc;
    private final ThreadLocal<GemmWorkspace> workspaces = ThreadLocal.withInitial(GemmWorkspace::new);

    /** A GEMM on the fastest kernel this JVM can run (as {@link CpuOptions#defaults()}), blocks sized for it. */
    public CpuGemm(ParallelLoop loop) {
        this(loop, CpuOptions.defaults().kernels());
    }

    /** A GEMM on the Vector API kernel or the plain-Java one, with blocks sized for it. */
    public CpuGemm(ParallelLoop loop, CpuOptions.Kernels kernels) {
        this(loop, microKernel(kernels));
    }

    private CpuGemm(ParallelLoop loop, GemmMicroKernel kernel) {
        // kc·nr·4 bytes of B (32 KiB for 256×32) fit L1 beside the A sliver; mc·kc·4 bytes of A
        // (192 KiB for 192×256) stay in a 512 KiB-1 MiB L2; nc bounds the packed B panel to a few MiB.
        this(loop, kernel, roundUp(192, kernel.mr()), 256, roundUp(4096, kernel.nr()));
    }

    /** Explicit blocking, for tests that make every loop of the blocking take several turns. */
    CpuGemm(ParallelLoop loop, GemmMicroKernel kernel, int mc, int kc, int nc) {
        if (mc % kernel.mr() != 0 || nc % kernel.nr() != 0 || kc < 1) {
            throw new IllegalArgumentException("blocks mc=" + mc + ", kc=" + kc + ", nc=" + nc
                    + " must be positive multiples of the " + kernel.mr() + "×" + kernel.nr() + " tile");
        }
        this.loop = loop;
        this.kernel = kernel;
        this.mr = kernel.mr();
        this.nr = kernel.nr();
        this.mc = mc;
        this.kc = kc;
        this.nc = nc;
    }

    private static GemmMicroKernel microKernel(CpuOptions.Kernels kernels) {
        CpuOptions.requireResolvable(kernels, CpuOptions.vectorApiResolved());
        return kernels == CpuOptions.Kernels.VECTOR ? new VectorMicroKernel() : new ScalarMicroKernel();
    }

    /** Whether this GEMM runs on the Vector API kernel. */
    public boolean vectorized() {
        return !(kernel instanceof ScalarMicroKernel);
    }

    /**
     * Row-major {@code C[m×n] = alpha·op(A)·op(B) + beta·C}, op(A) being m×k and op(B) k×n. lda, ldb
     * and ldc are row strides of A, B and C as stored. With beta = 0, C is not read. With k = 0 or
     * alpha = 0, A and B are not read and C becomes beta·C.
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + ", n=" + n + ", k=" + k);
        }
        checkMatrix("C", c, cOff, ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(beta, c, cOff, ldc, m, n);
            return;
        }
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);

        long work = (long) m * n * k;
        int mTiles = (m + mr - 1) / mr;
        int nTiles = (n + nr - 1) / nr;
        if (work < PARALLEL_THRESHOLD || loop.threads() == 1) {
            blocked(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (nTiles >= mTiles) {
            loop.forRange(nTiles, 1, (from, to) -> blocked(transA, transB, 0, m, from * nr, Math.min(n, to * nr),
                    k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
        } else {
            loop.forRange(mTiles, 1, (from, to) -> blocked(transA, transB, from * mr, Math.min(m, to * mr), 0, n,
                    k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
        }
    }

    /** The five loops around the micro-kernel for the block [m0, m1) × [n0, n1) of C, on this thread. */
    private void blocked(boolean transA, boolean transB, int m0, int m1, int n0, int n1, int k, float alpha,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc) {
        GemmWorkspace ws = workspaces.get();
        // Equal slices of k: 800 = 4 × 200 rather than 3 × 256 + 32, whose short last slice would
        // reload and store all of C for little work.
        int slices = (k + kc - 1) / kc;
        int kcEven = (k + slices - 1) / slices;
        // With few rows in C, each element of B meets at most a few row panels of A, and copying B
        // costs more than reading its rows where they lie (row-major B only; Bᵀ must be gathered).
        boolean directB = !transB && m1 - m0 <= DIRECT_B_MAX_ROW_PANELS * mr;
        int packedCols = directB ? nr : Math.min(nc, roundUp(n1 - n0, nr));
        ws.ensure(Math.min(mc, roundUp(m1 - m0, mr)) * kcEven, packedCols * kcEven, mr * nr);
        for (int jc = n0; jc < n1; jc += nc) {
            int nb = Math.min(nc, n1 - jc);
            // Columns read in place; the rest (all of them, or a last partial panel) are packed.
            int directCols = directB ? nb / nr * nr : 0;
            for (int pc = 0; pc < k; pc += kcEven) {
                int kb = Math.min(kcEven, k - pc);
                // The first slice of k applies beta; later slices accumulate onto it.
                float sliceBeta = pc == 0 ? beta : 1f;
                if (directCols < nb) {
                    GemmPacking.packB(transB, b, bOff, ldb, pc, kb, jc + directCols, nb - directCols, nr, ws.packedB);
                }
                for (int ic = m0; ic < m1; ic += mc) {
                    int mb = Math.min(mc, m1 - ic);
                    GemmPacking.packA(transA, a, aOff, lda, ic, mb, pc, kb, mr, ws.packedA);
                    macroKernel(ws, mb, nb, kb, alpha, sliceBeta, c, cOff + ic * ldc + jc, ldc,
                            b, bOff + pc * ldb + jc, ldb, directCols);
                }
            }
        }
    }

    /**
     * Sweeps the packed mb×kb block of A against a kb×nb panel of B, tile by tile: its first
     * {@code directCols} columns read in place from B (rows ldb apart), the others from the packed panel.
     */
    private void macroKernel(GemmWorkspace ws, int mb, int nb, int kb, float alpha, float beta,
                             float[] c, int cBase, int ldc, float[] b, int bBase, int ldb, int directCols) {
        float[] pa = ws.packedA;
        for (int jr = 0; jr < nb; jr += nr) {
            int cols = Math.min(nr, nb - jr);
            boolean direct = jr < directCols;
            float[] pb = direct ? b : ws.packedB;
            int bPanel = direct ? bBase + jr : (jr - directCols) * kb;
            int bStride = direct ? ldb : nr;
            for (int ir = 0; ir < mb; ir += mr) {
                int rows = Math.min(mr, mb - ir);
                int cTile = cBase + ir * ldc + jr;
                if (rows == mr && cols == nr) {
                    kernel.multiply(kb, pa, ir * kb, pb, bPanel, bStride, alpha, beta, c, cTile, ldc);
                } else {
                    // Edge tile: compute the full padded tile aside, then merge only the live part.
                    float[] tile = ws.edgeTile;
                    kernel.multiply(kb, pa, ir * kb, pb, bPanel, bStride, alpha, 0f, tile, 0, nr);
                    for (int r = 0; r < rows; r++) {
                        int ci = cTile + r * ldc;
                        int ti = r * nr;
                        if (beta == 0f) {
                            System.arraycopy(tile, ti, c, ci, cols);
                        } else {
                            for (int j = 0; j < cols; j++) {
                                c[ci + j] = tile[ti + j] + beta * c[ci + j];
                            }
                        }
                    }
                }
            }
        }
    }

    private static void scale(float beta, float[] c, int cOff, int ldc, int m, int n) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, row, row + n, 0f);
            } else if (beta != 1f) {
                for (int j = row; j < row + n; j++) {
                    c[j] *= beta;
                }
            }
        }
    }

    /** A rows×cols matrix at off with row stride ld must lie inside the array. */
    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        long last = off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || ld < cols || last >= x.length) {
            throw new IllegalArgumentException("sgemm: " + name + " of " + rows + "×" + cols + " at offset " + off
                    + " with row stride " + ld + " does not fit an array of " + x.length
                    + " (the stride must be at least " + cols + ")");
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
