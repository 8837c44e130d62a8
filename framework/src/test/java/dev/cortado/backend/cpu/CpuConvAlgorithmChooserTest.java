package dev.cortado.backend.cpu;

import static dev.cortado.backend.cpu.CpuConvAlgorithm.DATA_COL2IM_GEMM;
import static dev.cortado.backend.cpu.CpuConvAlgorithm.DATA_TRANSPOSED_IM2COL_GEMM;
import static dev.cortado.backend.cpu.CpuConvAlgorithm.DATA_TRANSPOSED_IMPLICIT_GEMM;
import static dev.cortado.backend.cpu.CpuConvAlgorithm.FILTER_BLOCKED_IMPLICIT_GEMM;
import static dev.cortado.backend.cpu.CpuConvAlgorithm.FILTER_IM2COL_GEMM;
import static dev.cortado.backend.cpu.CpuConvAlgorithm.FILTER_IM2COL_ROW_PRODUCTS;
import static dev.cortado.backend.cpu.CpuConvAlgorithm.FILTER_IMPLICIT_GEMM;
import static dev.cortado.backend.cpu.CpuConvAlgorithm.FORWARD_IM2COL_GEMM;
import static dev.cortado.backend.cpu.CpuConvAlgorithm.FORWARD_IMPLICIT_GEMM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.cpu.CpuConvAlgorithm.Direction;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU convolution chooser: ResNet-20's layers get the algorithms the measured thresholds were set
 * for, with vector kernels (8 or 16 lanes alike) and with scalar ones; thresholds passed as data move
 * the choices; a forced algorithm replaces the rules where it can run and is refused, with the reason,
 * where it cannot; each geometry's choice is logged once.
 */
class CpuConvAlgorithmChooserTest {
    private static final Conv2dSpec SAME = Conv2dSpec.of(3, 1, 1);
    private static final Conv2dSpec DOWN = Conv2dSpec.of(3, 2, 1);

    private static ConvGeometry geometry(int n, int c, int size, int k, Conv2dSpec spec) {
        Shape xs = Shape.nchw(n, c, size, size);
        return ConvGeometry.of(xs, spec.outputShape(xs, spec.weightShape(c, k)), spec);
    }

    /** ResNet-20 at batch 128: each layer shape with its forward, backward-data and backward-filter choice. */
    static Stream<Arguments> resNet20() {
        return Stream.of(
                // 3 × 27 filters split into no 4×4 tiles; 16 × 27 entries are few: row products.
                Arguments.of("stem, 3 → 16 on 32×32", geometry(128, 3, 32, 16, SAME),
                        FORWARD_IMPLICIT_GEMM, DATA_TRANSPOSED_IMPLICIT_GEMM, FILTER_IM2COL_ROW_PRODUCTS),
                // 1024-pixel planes of whole vectors: the implicit filter gradient, sample by sample.
                Arguments.of("stage 1, 16 → 16 on 32×32", geometry(128, 16, 32, 16, SAME),
                        FORWARD_IMPLICIT_GEMM, DATA_TRANSPOSED_IMPLICIT_GEMM, FILTER_IMPLICIT_GEMM),
                Arguments.of("stage 2 entry, 16 → 32 at stride 2", geometry(128, 16, 32, 32, DOWN),
                        FORWARD_IM2COL_GEMM, DATA_COL2IM_GEMM, FILTER_IM2COL_ROW_PRODUCTS),
                // 18×18 padded planes, about 1.3 × 16×16: blocks of samples.
                Arguments.of("stage 2, 32 → 32 on 16×16", geometry(128, 32, 16, 32, SAME),
                        FORWARD_IMPLICIT_GEMM, DATA_TRANSPOSED_IMPLICIT_GEMM, FILTER_BLOCKED_IMPLICIT_GEMM),
                Arguments.of("stage 3 entry, 32 → 64 at stride 2", geometry(128, 32, 16, 64, DOWN),
                        FORWARD_IM2COL_GEMM, DATA_COL2IM_GEMM, FILTER_IM2COL_ROW_PRODUCTS),
                // 10×10 padded planes are too much padding; 64 × 576 entries take the packed GEMM.
                Arguments.of("stage 3, 64 → 64 on 8×8", geometry(128, 64, 8, 64, SAME),
                        FORWARD_IMPLICIT_GEMM, DATA_TRANSPOSED_IMPLICIT_GEMM, FILTER_IM2COL_GEMM));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resNet20")
    void resNet20LayersTakeTheAlgorithmsTheThresholdsWereMeasuredFor(String name, ConvGeometry g,
            CpuConvAlgorithm forward, CpuConvAlgorithm data, CpuConvAlgorithm filter) {
        CpuConvAlgorithmChooser chooser = new CpuConvAlgorithmChooser(CpuOptions.defaults());
        assertEquals(forward, chooser.choose(g, Direction.FORWARD), name + " forward");
        assertEquals(data, chooser.choose(g, Direction.BACKWARD_DATA), name + " backward data");
        assertEquals(filter, chooser.choose(g, Direction.BACKWARD_FILTER), name + " backward filter");
    }

    /** Scalar kernels have im2col and the GEMM: the transposed pass for "same" layers, col2im for the rest. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("resNet20")
    void scalarKernelsTakeIm2colAndTheGemm(String name, ConvGeometry g) {
        CpuConvAlgorithmChooser chooser = new CpuConvAlgorithmChooser(
                CpuOptions.defaults().withKernels(CpuOptions.Kernels.SCALAR));
        assertEquals(FORWARD_IM2COL_GEMM, chooser.choose(g, Direction.FORWARD), name);
        assertEquals(g.strideH() == 1 ? DATA_TRANSPOSED_IM2COL_GEMM : DATA_COL2IM_GEMM,
                chooser.choose(g, Direction.BACKWARD_DATA), name);
        assertEquals(FILTER_IM2COL_GEMM, chooser.choose(g, Direction.BACKWARD_FILTER), name);
    }

    /** Stride 2 and rows narrower than a vector keep im2col for the filter gradient; so do planes below 1024 pixels. */
    @Test
    void implicitFilterGradientTakesStrideOneLayersWithWholeVectorRowsOfLargePlanes() {
        CpuConvAlgorithmChooser chooser = new CpuConvAlgorithmChooser(CpuOptions.defaults());
        assertFalse(chooser.preferred(geometry(1, 4, 32, 8, DOWN), Direction.BACKWARD_FILTER) == FILTER_IMPLICIT_GEMM,
                "stride 2");
        assertFalse(chooser.preferred(geometry(1, 4, 5, 8, SAME), Direction.BACKWARD_FILTER) == FILTER_IMPLICIT_GEMM,
                "5 wide");
        assertEquals(FILTER_IMPLICIT_GEMM, chooser.preferred(geometry(1, 4, 32, 8, SAME), Direction.BACKWARD_FILTER),
                "32×32, 8×36 filters");
        assertFalse(chooser.preferred(geometry(1, 4, 16, 8, SAME), Direction.BACKWARD_FILTER) == FILTER_IMPLICIT_GEMM,
                "16×16 plane");
    }

    /** Padding costs a multiply-add per padded position: 8×8 planes (10×10 padded) stay with im2col. */
    @Test
    void blockedFilterGradientSkipsPlanesWithMuchPadding() {
        CpuConvAlgorithmChooser chooser = new CpuConvAlgorithmChooser(CpuOptions.defaults());
        assertFalse(chooser.preferred(geometry(1, 4, 8, 8, SAME), Direction.BACKWARD_FILTER)
                == FILTER_BLOCKED_IMPLICIT_GEMM, "8×8");
        assertEquals(FILTER_BLOCKED_IMPLICIT_GEMM, chooser.preferred(geometry(1, 4, 16, 8, SAME),
                Direction.BACKWARD_FILTER), "16×16");
        assertFalse(chooser.preferred(geometry(1, 4, 16, 8, DOWN), Direction.BACKWARD_FILTER)
                == FILTER_BLOCKED_IMPLICIT_GEMM, "stride 2");
    }

    /** The thresholds are data: other values (as a retune for another machine would give) move the choices. */
    @Test
    void thresholdsPassedInMoveTheChoices() {
        ConvGeometry stage2 = geometry(128, 32, 16, 32, SAME);
        ConvGeometry stage3 = geometry(128, 64, 8, 64, SAME);
        CpuOptions defaults = CpuOptions.defaults();
        CpuConvAlgorithmChooser smallPlanes = new CpuConvAlgorithmChooser(
                defaults.withConvThresholds(new CpuConvThresholds(1 << 15, 256, 1.5)));
        assertEquals(FILTER_IMPLICIT_GEMM, smallPlanes.choose(stage2, Direction.BACKWARD_FILTER));
        CpuConvAlgorithmChooser morePadding = new CpuConvAlgorithmChooser(
                defaults.withConvThresholds(new CpuConvThresholds(1 << 15, 1024, 2)));
        assertEquals(FILTER_BLOCKED_IMPLICIT_GEMM, morePadding.choose(stage3, Direction.BACKWARD_FILTER));
        CpuConvAlgorithmChooser neverPacked = new CpuConvAlgorithmChooser(
                defaults.withConvThresholds(new CpuConvThresholds(Long.MAX_VALUE, 1024, 1.5)));
        assertEquals(FILTER_IM2COL_ROW_PRODUCTS, neverPacked.choose(stage3, Direction.BACKWARD_FILTER));
        assertEquals(CpuConvThresholds.MEASURED, defaults.convThresholds());
    }

    @Test
    void aForcedAlgorithmReplacesTheRulesForItsDirectionOnly() {
        ConvGeometry stage1 = geometry(128, 16, 32, 16, SAME);
        CpuConvAlgorithmChooser chooser = new CpuConvAlgorithmChooser(CpuOptions.defaults()
                .withForcedConvAlgorithm(FORWARD_IM2COL_GEMM).withForcedConvAlgorithm(FILTER_BLOCKED_IMPLICIT_GEMM));
        assertEquals(FORWARD_IM2COL_GEMM, chooser.choose(stage1, Direction.FORWARD));
        assertEquals(DATA_TRANSPOSED_IMPLICIT_GEMM, chooser.choose(stage1, Direction.BACKWARD_DATA));
        assertEquals(FILTER_BLOCKED_IMPLICIT_GEMM, chooser.choose(stage1, Direction.BACKWARD_FILTER));
    }

    /** Through the backend: the error names the op, the algorithm, the geometry and what the algorithm needs. */
    @Test
    void aForcedAlgorithmThatCannotRunTheGeometryIsRefusedWithTheReason() {
        Conv2dSpec spec = Conv2dSpec.of(3, 2, 1);
        Shape xs = Shape.nchw(1, 2, 8, 8);
        Shape ws = spec.weightShape(2, 4);
        try (CpuBackend cpu = new CpuBackend(CpuOptions.defaults().withThreads(1)
                .withForcedConvAlgorithm(FORWARD_IMPLICIT_GEMM));
             Tensor x = cpu.allocate(xs); Tensor w = cpu.allocate(ws); Tensor y = cpu.allocate(spec.outputShape(xs, ws))) {
            assertFalse(cpu.canRun(FORWARD_IMPLICIT_GEMM, xs, ws, spec));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cpu.convolution().forward(x, w, spec, y));
            for (String part : List.of("conv2d forward", "FORWARD_IMPLICIT_GEMM", "[1, 2, 8, 8] → [1, 4, 4, 4]",
                    "stride 2×2", "needs stride 1")) {
                assertTrue(e.getMessage().contains(part), e.getMessage() + " should mention " + part);
            }
        }
    }

    @Test
    void optionsRefuseForcingWhatTheirKernelsCannotRunOrForAnotherDirection() {
        CpuOptions scalar = CpuOptions.defaults().withKernels(CpuOptions.Kernels.SCALAR);
        IllegalArgumentException vector = assertThrows(IllegalArgumentException.class,
                () -> scalar.withForcedConvAlgorithm(FILTER_IM2COL_ROW_PRODUCTS));
        assertTrue(vector.getMessage().contains("Vector API"), vector.getMessage());
        CpuOptions d = CpuOptions.defaults();
        IllegalArgumentException direction = assertThrows(IllegalArgumentException.class,
                () -> new CpuOptions(d.threads(), d.kernels(), d.convThresholds(),
                        Map.of(Direction.FORWARD, FILTER_IM2COL_GEMM)));
        assertTrue(direction.getMessage().contains("conv2d backwardFilter algorithm"), direction.getMessage());
        assertTrue(new CpuConvAlgorithmChooser(scalar).unsupported(FORWARD_IMPLICIT_GEMM, geometry(1, 4, 32, 8, SAME))
                .contains("scalar kernels"));
    }

    /** Debug level names the choice once per geometry and direction, not once per call. */
    @Test
    void eachChoiceIsLoggedOnce() {
        List<String> lines = new ArrayList<>();
        String name = CpuConvAlgorithmChooser.class.getName();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        AbstractAppender capture = new AbstractAppender("chooser-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        LoggerConfig logger = new LoggerConfig(name, Level.DEBUG, false);
        logger.addAppender(capture, Level.DEBUG, null);
        config.addLogger(name, logger);
        context.updateLoggers();
        try {
            CpuConvAlgorithmChooser chooser = new CpuConvAlgorithmChooser(CpuOptions.defaults());
            ConvGeometry stage1 = geometry(128, 16, 32, 16, SAME);
            for (int step = 0; step < 3; step++) {
                chooser.choose(stage1, Direction.FORWARD);
                chooser.choose(stage1, Direction.BACKWARD_FILTER);
            }
            chooser.choose(geometry(16, 16, 32, 16, SAME), Direction.FORWARD);
        } finally {
            config.removeLogger(name);
            context.updateLoggers();
            capture.stop();
        }
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("conv2d forward [128, 16, 32, 32] → [128, 16, 32, 32], kernel 3×3")
                && lines.get(0).endsWith(": FORWARD_IMPLICIT_GEMM"), lines.get(0));
        assertTrue(lines.get(1).startsWith("conv2d backwardFilter") && lines.get(1).endsWith(": FILTER_IMPLICIT_GEMM"),
                lines.get(1));
    }
}
