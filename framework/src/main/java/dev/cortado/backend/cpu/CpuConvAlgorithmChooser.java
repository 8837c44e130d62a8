package dev.cortado.backend.cpu;

import dev.cortado.backend.cpu.CpuConvAlgorithm.Direction;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Chooses the CPU convolution algorithm of each layer shape and direction, as
 * {@code ConvAlgorithmSelector} does for cuDNN, though by rules and measured thresholds
 * ({@link CpuConvThresholds}) rather than trial runs. The rules, with vector kernels:
 * <ul>
 *   <li>forward: {@link CpuConvAlgorithm#FORWARD_IMPLICIT_GEMM} wherever it runs (stride 1, output
 *       planes of whole 2-vector tiles), else {@link CpuConvAlgorithm#FORWARD_IM2COL_GEMM};</li>
 *   <li>backward data: at stride 1 when the transposed pass pads dy by no more than the forward pass
 *       pads x, a forward pass over dy ({@link CpuConvAlgorithm#DATA_TRANSPOSED_IMPLICIT_GEMM} where the
 *       implicit GEMM runs on that geometry, else {@link CpuConvAlgorithm#DATA_TRANSPOSED_IM2COL_GEMM}),
 *       otherwise {@link CpuConvAlgorithm#DATA_COL2IM_GEMM};</li>
 *   <li>backward filter, for stride 1 and whole 4×4 filter tiles:
 *       {@link CpuConvAlgorithm#FILTER_IMPLICIT_GEMM} where output rows are whole vectors and planes
 *       have at least {@link CpuConvThresholds#implicitFilterMinPlane()} pixels, else
 *       {@link CpuConvAlgorithm#FILTER_BLOCKED_IMPLICIT_GEMM} where padding inflates the plane by at most
 *       {@link CpuConvThresholds#blockedFilterMaxPaddedRatio()}; otherwise, and for other geometries,
 *       {@link CpuConvAlgorithm#FILTER_IM2COL_GEMM} for filters of at least
 *       {@link CpuConvThresholds#packedFilterMinEntries()} entries per group, else
 *       {@link CpuConvAlgorithm#FILTER_IM2COL_ROW_PRODUCTS}.</li>
 * </ul>
 * Scalar kernels have im2col and the GEMM only (and the transposed forward pass on it). An algorithm
 * forced through {@link CpuOptions} replaces the rules for its direction; one that cannot run a
 * geometry is refused with the reason. Each shape's choice is made once and logged at debug level.
 */
final class CpuConvAlgorithmChooser {
    private static final Logger LOG = LogManager.getLogger(CpuConvAlgorithmChooser.class);

    private final CpuOptions options;
    private final boolean vector;
    /** Floats per vector of the implicit-GEMM tiles; 0 with scalar kernels, which never load them. */
    private final int lanes;
    private final Map<Key, CpuConvAlgorithm> chosen = new ConcurrentHashMap<>();

    private record Key(ConvGeometry geometry, Direction direction) {
    }

    CpuConvAlgorithmChooser(CpuOptions options) {
        this.options = options;
        this.vector = options.kernels() == CpuOptions.Kernels.VECTOR;
        this.lanes = vector ? VectorConvTiles.lanes() : 0;
    }

    /**
     * The algorithm for direction d of geometry g: the forced one, or the rules' choice; decided once
     * per geometry and direction, and logged then.
     *
     * @throws IllegalArgumentException where the options force an algorithm that cannot run g
     */
    CpuConvAlgorithm choose(ConvGeometry g, Direction d) {
        Key key = new Key(g, d);
        CpuConvAlgorithm algorithm = chosen.get(key);
        if (algorithm == null) {
            CpuConvAlgorithm forced = options.forcedConvAlgorithms().get(d);
            if (forced != null) {
                String why = unsupported(forced, g);
                if (why != null) {
                    throw new IllegalArgumentException(d.op() + ": the forced CPU algorithm " + forced + " cannot run "
                            + g + ": " + why);
                }
            }
            algorithm = forced != null ? forced : preferred(g, d);
            if (chosen.putIfAbsent(key, algorithm) == null) {
                LOG.debug("{} {}: {}{}", d.op(), g, algorithm, forced != null ? " (forced)" : "");
            }
        }
        return algorithm;
    }

    /** The rules' choice for direction d of g (see the class comment); ignores forced algorithms. */
    CpuConvAlgorithm preferred(ConvGeometry g, Direction d) {
        CpuConvThresholds t = options.convThresholds();
        return switch (d) {
            case FORWARD -> vector && ImplicitGemmForward.unsupported(g, lanes) == null
                    ? CpuConvAlgorithm.FORWARD_IMPLICIT_GEMM : CpuConvAlgorithm.FORWARD_IM2COL_GEMM;
            case BACKWARD_DATA -> {
                if (TransposedForward.unsupported(g) != null || !TransposedForward.padsNoMoreThanForward(g)) {
                    yield CpuConvAlgorithm.DATA_COL2IM_GEMM;
                }
                yield vector && ImplicitGemmForward.unsupported(TransposedForward.geometry(g), lanes) == null
                        ? CpuConvAlgorithm.DATA_TRANSPOSED_IMPLICIT_GEMM : CpuConvAlgorithm.DATA_TRANSPOSED_IM2COL_GEMM;
            }
            case BACKWARD_FILTER -> {
                if (!vector) {
                    yield CpuConvAlgorithm.FILTER_IM2COL_GEMM;
                }
                if (ImplicitGemmFilterGradient.unsupported(g) == null) {
                    if (g.outWidth() % lanes == 0 && g.outputPlane() >= t.implicitFilterMinPlane()) {
                        yield CpuConvAlgorithm.FILTER_IMPLICIT_GEMM;
                    }
                    int paddedPlane = ImplicitGemmLayout.roundUp(ImplicitGemmLayout.paddedPlane(g), lanes);
                    if (paddedPlane <= t.blockedFilterMaxPaddedRatio() * g.outputPlane()) {
                        yield CpuConvAlgorithm.FILTER_BLOCKED_IMPLICIT_GEMM;
                    }
                }
                yield (long) g.outChannelsPerGroup() * g.patchSize() >= t.packedFilterMinEntries()
                        ? CpuConvAlgorithm.FILTER_IM2COL_GEMM : CpuConvAlgorithm.FILTER_IM2COL_ROW_PRODUCTS;
            }
        };
    }

    /** Why {@code algorithm} cannot run g with these options' kernels, or null if it can (thresholds aside). */
    String unsupported(CpuConvAlgorithm algorithm, ConvGeometry g) {
        if (algorithm.needsVectorApi() && !vector) {
            return "it runs on the Vector API, and these options ask for scalar kernels";
        }
        return switch (algorithm) {
            case FORWARD_IM2COL_GEMM, DATA_COL2IM_GEMM, FILTER_IM2COL_GEMM, FILTER_IM2COL_ROW_PRODUCTS -> null;
            case FORWARD_IMPLICIT_GEMM -> ImplicitGemmForward.unsupported(g, lanes);
            case DATA_TRANSPOSED_IM2COL_GEMM -> TransposedForward.unsupported(g);
            case DATA_TRANSPOSED_IMPLICIT_GEMM -> {
                String transposed = TransposedForward.unsupported(g);
                if (transposed != null) {
                    yield transposed;
                }
                String implicit = ImplicitGemmForward.unsupported(TransposedForward.geometry(g), lanes);
                yield implicit == null ? null : "over dy, " + implicit;
            }
            case FILTER_IMPLICIT_GEMM, FILTER_BLOCKED_IMPLICIT_GEMM -> ImplicitGemmFilterGradient.unsupported(g);
        };
    }
}
