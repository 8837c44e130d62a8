package dev.cortado.backend.cpu;

import static dev.cortado.backend.TestTensors.assertClose;
import static dev.cortado.backend.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.NaiveConvolution;
import dev.cortado.backend.cpu.CpuConvAlgorithm.Direction;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The implicit-GEMM convolutions (stride 1) against the definition
 * {@code y[n,k,oy,ox] = Σ_{c,i,j} w[k,c,i,j]·x[n, g·Cg + c, oy − ph + i·dh, ox − pw + j·dw]}, its
 * adjoint dx and {@code dW = Σ_n dy ⋆ x}, computed in double. Planes are multiples of 32 pixels so
 * that the implicit forward pass is taken with 8 lanes (AVX2) and 16 (AVX-512) alike. Widths of 16 and
 * 32 read the padded input; widths of 4 and 8 (rows narrower than a vector under AVX-512) read its
 * column-unrolled copy, with padding below and above half the kernel, groups and dilation. Its cases
 * cover output channels that fill no whole 8-row tile (5 per group), groups, dilation, a 5×5 kernel
 * and padding 0 (dx then goes through col2im). The chooser gives the implicit filter gradient planes
 * of 1024 pixels and whole 4×4 tiles: the 32×32 cases take it, with groups and dilation, over runs of
 * 2 and 3 samples (batch 5 on 2 threads); the others check that the algorithms chosen instead agree.
 * Which algorithm the chooser takes for which layer is {@link CpuConvAlgorithmChooserTest}'s subject.
 */
class ImplicitGemmAlgorithmsTest {
    private static final int N = 5;
    /** Sums of at most 2·25 products for y and dx and of N·OH·OW ≤ 5120 for dW, of values below 1 in magnitude. */
    private static final double TOLERANCE = 2e-5;
    private static final double FILTER_TOLERANCE = 2e-4;

    private static final CpuConvAlgorithmChooser CHOOSER = new CpuConvAlgorithmChooser(CpuOptions.defaults());

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

    static Stream<Arguments> layers() {
        return Stream.of(
                Arguments.of("stem 3→16, 3×3 pad 1", 3, 16, 16, 16, Conv2dSpec.of(3, 1, 1)),
                Arguments.of("groups 2, 4→10, 3×3 pad 1", 4, 2, 32, 10, Conv2dSpec.of(3, 1, 1).withGroups(2)),
                Arguments.of("dilation 2, 2→8, 3×3 pad 2", 2, 16, 16, 8,
                        new Conv2dSpec(3, 3, 1, 1, 2, 2, 2, 2, 1)),
                Arguments.of("5×5 pad 2, 2→9", 2, 16, 16, 9, Conv2dSpec.of(5, 1, 2)),
                Arguments.of("3×3 pad 0, 2→8 on 18×18", 2, 18, 18, 8, Conv2dSpec.of(3, 1, 0)),
                Arguments.of("3×3 pad 1, 4→8 on 32×32", 4, 32, 32, 8, Conv2dSpec.of(3, 1, 1)),
                Arguments.of("groups 2, 8→8, 3×3 pad 1 on 32×32", 8, 32, 32, 8, Conv2dSpec.of(3, 1, 1).withGroups(2)),
                Arguments.of("dilation 2, 4→4, 3×3 pad 2 on 32×32", 4, 32, 32, 4,
                        new Conv2dSpec(3, 3, 1, 1, 2, 2, 2, 2, 1)),
                Arguments.of("3×3 pad 1, 4→16 on 8×8", 4, 8, 8, 16, Conv2dSpec.of(3, 1, 1)),
                Arguments.of("groups 2, dilation 2, 4→10, 3×3 pad 2 on 16×4", 4, 16, 4, 10,
                        new Conv2dSpec(3, 3, 1, 1, 2, 2, 2, 2, 2)),
                Arguments.of("5×5 pad 1, 2→8 on 10×10", 2, 10, 10, 8, Conv2dSpec.of(5, 1, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void matchesTheDefinition(String name, int c, int h, int w, int k, Conv2dSpec spec) {
        CpuConvolution conv = new CpuConvolution(loop, new CpuGemm(loop), CpuOptions.defaults());
        Shape xs = Shape.nchw(N, c, h, w);
        Shape ws = spec.weightShape(c, k);
        Shape ys = spec.outputShape(xs, ws);
        float[] x = uniform(31, xs.intSize(), -1, 1);
        float[] wv = uniform(32, ws.intSize(), -1, 1);
        float[] dy = uniform(33, ys.intSize(), -1, 1);
        assertEquals(CpuConvAlgorithm.FORWARD_IMPLICIT_GEMM,
                CHOOSER.preferred(ConvGeometry.of(xs, ys, spec), Direction.FORWARD), name + " must take the implicit path");
        try (Tensor xt = backend.upload(xs, x); Tensor wt = backend.upload(ws, wv);
             Tensor dyt = backend.upload(ys, dy); Tensor y = backend.allocate(ys);
             Tensor dx = backend.allocate(xs); Tensor dw = backend.allocate(ws)) {
            conv.forward(xt, wt, spec, y);
            conv.backwardData(dyt, wt, spec, dx);
            conv.backwardFilter(xt, dyt, spec, dw);
            double[][] expected = NaiveConvolution.withGradients(x, xs, wv, ws, dy, spec);
            assertClose("y, " + name, NaiveConvolution.toFloat(expected[0]), backend.download(y), TOLERANCE, TOLERANCE);
            assertClose("dx, " + name, NaiveConvolution.toFloat(expected[1]), backend.download(dx), TOLERANCE, TOLERANCE);
            assertClose("dW, " + name, NaiveConvolution.toFloat(expected[2]), backend.download(dw), FILTER_TOLERANCE, FILTER_TOLERANCE);
        }
    }

    static Stream<Arguments> blockLayers() {
        return Stream.of(
                // ResNet-20's second stage, shrunk: 16×16 planes, 18×18 padded.
                Arguments.of("3×3 pad 1, 8→8 on 16×16", 8, 16, 16, 8, Conv2dSpec.of(3, 1, 1), 5),
                // Blocks of 13 samples: 4 blocks and a last one of 1 sample after stale data.
                Arguments.of("3×3 pad 1, 32→32 on 16×16, 53 samples", 32, 16, 16, 32, Conv2dSpec.of(3, 1, 1), 53),
                Arguments.of("rows of 12, 2 groups, 8→8", 8, 12, 12, 8, Conv2dSpec.of(3, 1, 1).withGroups(2), 3),
                Arguments.of("dilation 2, 4→4 on 20×20", 4, 20, 20, 4, new Conv2dSpec(3, 3, 1, 1, 2, 2, 2, 2, 1), 3),
                Arguments.of("5×5 pad 2, 4→4 on 20×20", 4, 20, 20, 4, Conv2dSpec.of(5, 1, 2), 2));
    }

    /** dW over blocks of samples laid out channel by channel, against the definition. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("blockLayers")
    void blockFilterGradientMatchesTheDefinition(String name, int c, int h, int w, int k, Conv2dSpec spec, int n) {
        Shape xs = Shape.nchw(n, c, h, w);
        Shape ws = spec.weightShape(c, k);
        Shape ys = spec.outputShape(xs, ws);
        ConvGeometry g = ConvGeometry.of(xs, ys, spec);
        assertEquals(CpuConvAlgorithm.FILTER_BLOCKED_IMPLICIT_GEMM, CHOOSER.preferred(g, Direction.BACKWARD_FILTER),
                name + " must take the block path");
        float[] x = uniform(51, xs.intSize(), -1, 1);
        float[] dy = uniform(52, ys.intSize(), -1, 1);
        float[] dw = uniform(53, ws.intSize(), -1, 1); // overwritten, never added to
        new BlockedImplicitGemmFilterGradient(new ConvScratch()).filterGradient(g, x, dy, 0, n, dw);
        double[] expected = NaiveConvolution.withGradients(x, xs, new float[ws.intSize()], ws, dy, spec)[2];
        // Sums of n·OH·OW ≤ 13,600 products below 1 in magnitude, in float lanes.
        assertClose("dW, " + name, NaiveConvolution.toFloat(expected), dw, 1e-3, 1e-4);
    }

    /** Per-thread partial filter gradients are summed in sample order: repeated calls agree bit for bit. */
    @Test
    void filterGradientIsReproducible() {
        CpuConvolution conv = new CpuConvolution(loop, new CpuGemm(loop), CpuOptions.defaults());
        Conv2dSpec spec = Conv2dSpec.of(3, 1, 1);
        Shape xs = Shape.nchw(N, 3, 32, 32);
        Shape ws = spec.weightShape(3, 16);
        Shape ys = spec.outputShape(xs, ws);
        try (Tensor xt = backend.upload(xs, uniform(41, xs.intSize(), -1, 1));
             Tensor dyt = backend.upload(ys, uniform(42, ys.intSize(), -1, 1));
             Tensor dw = backend.allocate(ws)) {
            conv.backwardFilter(xt, dyt, spec, dw);
            float[] first = backend.download(dw);
            for (int i = 0; i < 10; i++) {
                conv.backwardFilter(xt, dyt, spec, dw);
                assertArrayEquals(first, backend.download(dw), "call " + (i + 2));
            }
        }
    }
}
