package dev.cortado.backend.cpu;

import static dev.cortado.backend.TestTensors.assertClose;
import static dev.cortado.backend.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.NaiveConvolution;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batched im2col convolution against the direct definition, with the block size forced so that
 * blocks of several samples end inside each thread's run of samples (batch 7 over 2 threads: runs of
 * 3 and 4 samples, blocks of 2 → 2+1 and 2+2), and with one sample per block. Block boundaries change
 * only which samples share a GEMM, so every block size must give the definition's values:
 * y[n,k,oy,ox] = Σ_{c,i,j} w[k,c,i,j]·x[n,c,oy·s−p+i,ox·s−p+j], dx = its adjoint, dW = Σ_n dy ⋆ x.
 */
class CpuConvolutionBlockTest {
    private static final int N = 7;
    private static final int C = 4;
    private static final int H = 6;
    private static final int W = 5;
    private static final int K = 6;
    /**
     * 3×3, stride 1, two groups, with padding 1 (dx as a forward convolution of dy with the rotated
     * filters) and padding 0 (dx by col2im): every index path of im2col and col2im.
     */
    private static final Conv2dSpec[] SPECS = {Conv2dSpec.of(3, 1, 1).withGroups(2), Conv2dSpec.of(3, 1, 0).withGroups(2)};
    /** Sums of at most C/2·9 = 18 products of values below 1, and of 7·30 for dW: float rounding ~1e-5. */
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

    /**
     * Block sizes in floats: one sample per block; two samples at padding 1 (a sample's column matrix
     * is C·9·OH·OW = 36·30 floats); two samples at padding 0 (36·12 floats); the whole batch.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2 * 36 * 30, 2 * 36 * 12, 1 << 20})
    void matchesTheDefinitionWhateverTheBlockSize(int blockFloats) {
        for (int variant = 0; variant < 4; variant++) {
            CpuOptions.Kernels kernels = variant % 2 == 0 ? CpuOptions.Kernels.VECTOR : CpuOptions.Kernels.SCALAR;
            Conv2dSpec spec = SPECS[variant / 2];
            CpuGemm gemm = new CpuGemm(loop, kernels);
            CpuConvolution conv = new CpuConvolution(loop, gemm, CpuOptions.defaults().withKernels(kernels), blockFloats);
            Shape xs = Shape.nchw(N, C, H, W);
            Shape ws = spec.weightShape(C, K);
            Shape ys = spec.outputShape(xs, ws);
            float[] x = uniform(11, xs.intSize(), -1, 1);
            float[] w = uniform(12, ws.intSize(), -1, 1);
            float[] dy = uniform(13, ys.intSize(), -1, 1);
            try (Tensor xt = backend.upload(xs, x); Tensor wt = backend.upload(ws, w);
                 Tensor dyt = backend.upload(ys, dy); Tensor y = backend.allocate(ys);
                 Tensor dx = backend.allocate(xs); Tensor dw = backend.allocate(ws)) {
                conv.forward(xt, wt, spec, y);
                conv.backwardData(dyt, wt, spec, dx);
                conv.backwardFilter(xt, dyt, spec, dw);
                double[][] expected = NaiveConvolution.withGradients(x, xs, w, ws, dy, spec);
                String what = "block " + blockFloats + ", padding " + spec.padH() + (kernels == CpuOptions.Kernels.VECTOR ? "" : ", scalar kernels");
                assertClose("y, " + what, NaiveConvolution.toFloat(expected[0]), backend.download(y), TOLERANCE, TOLERANCE);
                assertClose("dx, " + what, NaiveConvolution.toFloat(expected[1]), backend.download(dx), TOLERANCE, TOLERANCE);
                assertClose("dW, " + what, NaiveConvolution.toFloat(expected[2]), backend.download(dw), TOLERANCE, TOLERANCE);
            }
        }
    }

    /** The filter gradient sums per-thread partials in sample order: repeated calls agree bit for bit. */
    @ParameterizedTest
    @ValueSource(ints = {2 * 36 * 30})
    void filterGradientIsReproducible(int blockFloats) {
        CpuConvolution conv = new CpuConvolution(loop, new CpuGemm(loop), CpuOptions.defaults(), blockFloats);
        Shape xs = Shape.nchw(N, C, H, W);
        Shape ws = SPECS[0].weightShape(C, K);
        Shape ys = SPECS[0].outputShape(xs, ws);
        try (Tensor xt = backend.upload(xs, uniform(21, xs.intSize(), -1, 1));
             Tensor dyt = backend.upload(ys, uniform(22, ys.intSize(), -1, 1));
             Tensor dw = backend.allocate(ws)) {
            conv.backwardFilter(xt, dyt, SPECS[0], dw);
            float[] first = backend.download(dw);
            for (int i = 0; i < 20; i++) {
                conv.backwardFilter(xt, dyt, SPECS[0], dw);
                assertArrayEquals(first, backend.download(dw), "call " + (i + 2));
            }
        }
    }
}
