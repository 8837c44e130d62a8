package dev.cortado.backend.cpu;

import static dev.cortado.backend.TestTensors.assertClose;
import static dev.cortado.backend.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.cpu.CpuConvAlgorithm.Direction;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The filter gradient of a layer wide enough for the packed GEMM (ResNet-20's stage 3: 64 → 64
 * channels, 3×3, so 64×576 entries) against the definition dW[k,c,i,j] = Σ_{n,oy,ox}
 * dy[n,k,oy,ox]·x[n,c,oy−1+i,ox−1+j], over two threads, with and without several blocks per thread.
 */
class CpuConvolutionPackedFilterTest {
    private static final int N = 3;
    private static final int C = 64;
    private static final int K = 64;
    private static final int H = 4;
    private static final int W = 4;
    private static final Conv2dSpec SPEC = Conv2dSpec.of(3, 1, 1);
    /** Sums of N·H·W = 48 products of values below 1 in float: rounding ~1e-6; 1e-5 leaves room. */
    private static final double TOLERANCE = 1e-5;

    private static CpuBackend backend;
    private static ParallelLoop loop;

    @BeforeAll
    static void start() {
        backend = new CpuBackend(1);
        loop = new ParallelLoop(2);
    }

    @AfterAll
    static void stop() {
        backend.close();
        loop.close();
    }

    /** With the measured threshold (2^15 entries), 64 × 576 filters take the packed GEMM, 32 × 288 and 16 × 144 the row products. */
    @Test
    void thresholdSplitsResNetLayers() {
        CpuConvAlgorithmChooser chooser = new CpuConvAlgorithmChooser(CpuOptions.defaults());
        assertEquals(CpuConvAlgorithm.FILTER_IM2COL_GEMM, chooser.preferred(geometry(64, 64), Direction.BACKWARD_FILTER),
                "64 → 64, 3×3");
        assertEquals(CpuConvAlgorithm.FILTER_IM2COL_ROW_PRODUCTS,
                chooser.preferred(geometry(32, 32), Direction.BACKWARD_FILTER), "32 → 32, 3×3");
        assertEquals(CpuConvAlgorithm.FILTER_IM2COL_ROW_PRODUCTS,
                chooser.preferred(geometry(16, 16), Direction.BACKWARD_FILTER), "16 → 16, 3×3");
    }

    private static ConvGeometry geometry(int c, int k) {
        Shape xs = Shape.nchw(N, c, H, W);
        return ConvGeometry.of(xs, SPEC.outputShape(xs, SPEC.weightShape(c, k)), SPEC);
    }

    @Test
    void packedFilterGradientMatchesTheDefinition() {
        Shape xs = Shape.nchw(N, C, H, W);
        Shape ws = SPEC.weightShape(C, K);
        Shape ys = SPEC.outputShape(xs, ws);
        float[] x = uniform(31, xs.intSize(), -1, 1);
        float[] dy = uniform(32, ys.intSize(), -1, 1);
        // One sample's columns are C·9·H·W floats: one sample per block, so a thread's run of two
        // samples adds its second block onto the first (GEMM with β = 1); then one block per run.
        for (int blockFloats : new int[] {C * 9 * H * W, 1 << 20}) {
            CpuConvolution conv = new CpuConvolution(loop, new CpuGemm(loop), CpuOptions.defaults(), blockFloats);
            try (Tensor xt = backend.upload(xs, x); Tensor dyt = backend.upload(ys, dy); Tensor dw = backend.allocate(ws)) {
                conv.backwardFilter(xt, dyt, SPEC, dw);
                float[] first = backend.download(dw);
                assertClose("dW, block " + blockFloats, definition(x, dy), first, TOLERANCE, TOLERANCE);
                conv.backwardFilter(xt, dyt, SPEC, dw);
                assertArrayEquals(first, backend.download(dw), "a second call agrees bit for bit");
            }
        }
    }

    private static float[] definition(float[] x, float[] dy) {
        float[] dw = new float[K * C * 9];
        for (int k = 0; k < K; k++) {
            for (int c = 0; c < C; c++) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        double s = 0;
                        for (int n = 0; n < N; n++) {
                            for (int oy = 0; oy < H; oy++) {
                                for (int ox = 0; ox < W; ox++) {
                                    int iy = oy - 1 + i;
                                    int ix = ox - 1 + j;
                                    if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
                                        s += (double) dy[((n * K + k) * H + oy) * W + ox]
                                                * x[((n * C + c) * H + iy) * W + ix];
                                    }
                                }
                            }
                        }
                        dw[((k * C + c) * 3 + i) * 3 + j] = (float) s;
                    }
                }
            }
        }
        return dw;
    }
}
