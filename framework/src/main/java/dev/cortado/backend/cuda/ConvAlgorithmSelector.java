package dev.cortado.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Chooses a cuDNN convolution algorithm from its ranking, and remembers the choice per shape so that
 * cuDNN is asked once per layer shape and direction. The rules: drop algorithms that failed, drop those
 * whose workspace exceeds the limit, drop those that need tensor-core math unless TF32 is allowed (in full
 * fp32 the convolution descriptor asks for CUDNN_FMA_MATH, products like the CPU's; an algorithm ranked
 * under another math type would not run as ranked), always drop those that convert fp32 to fp16, in
 * deterministic mode drop non-deterministic ones, then take the fastest (ties keep cuDNN's order).
 */
public final class ConvAlgorithmSelector {
    // cudnnMathType_t: CUDNN_TENSOR_OP_MATH and CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION (TF32 or fp16 products)
    static final int TENSOR_OP_MATH = 1;
    static final int TENSOR_OP_MATH_ALLOW_CONVERSION = 2;

    private static final Logger LOG = LogManager.getLogger(ConvAlgorithmSelector.class);

    private final CudnnOptions options;
    /** Concurrent: a backend may be used from one thread, then another. */
    private final Map<ConvKey, ConvAlgorithmPerf> chosen = new ConcurrentHashMap<>();

    public ConvAlgorithmSelector(CudnnOptions options) {
        this.options = options;
    }

    /** cudnnGetConvolution*WorkspaceSize for one algorithm: a cuDNN status, the size in {@code bytes[0]}. */
    @FunctionalInterface
    public interface WorkspaceQuery {
        int sizeOf(int algorithm, long[] bytes);
    }

    /**
     * The ranking with each usable algorithm's workspace taken as the larger of what the ranking reported
     * and what cudnnGetConvolution*WorkspaceSize answers for it (the call the convolution itself is checked
     * against; PyTorch asks it too, rather than trust the ranking's figure). An algorithm whose size query
     * fails is marked failed with that status.
     */
    public static List<ConvAlgorithmPerf> withQueriedWorkspaces(List<ConvAlgorithmPerf> ranking, WorkspaceQuery query) {
        List<ConvAlgorithmPerf> out = new ArrayList<>(ranking.size());
        for (ConvAlgorithmPerf p : ranking) {
            if (p.status() != 0) {
                out.add(p);
                continue;
            }
            long[] bytes = new long[1];
            int status = query.sizeOf(p.algorithm(), bytes);
            out.add(status != 0
                    ? new ConvAlgorithmPerf(p.algorithm(), status, p.timeMs(), p.workspaceBytes(), p.deterministic(), p.mathType())
                    : new ConvAlgorithmPerf(p.algorithm(), 0, p.timeMs(), Math.max(p.workspaceBytes(), bytes[0]),
                            p.deterministic(), p.mathType()));
        }
        return out;
    }

    public static ConvAlgorithmPerf pick(ConvKey key, List<ConvAlgorithmPerf> ranking, CudnnOptions options) {
        ConvAlgorithmPerf best = null;
        for (ConvAlgorithmPerf p : ranking) {
            if (p.status() != 0 || p.workspaceBytes() > options.workspaceLimitBytes()
                    || (p.mathType() == TENSOR_OP_MATH && !options.tf32())
                    || p.mathType() == TENSOR_OP_MATH_ALLOW_CONVERSION
                    || (options.deterministic() && !p.deterministic())) {
                continue;
            }
            if (best == null || (p.timeMs() >= 0 && (best.timeMs() < 0 || p.timeMs() < best.timeMs()))) {
                best = p;
            }
        }
        if (best == null) {
            throw new CudaException(key.direction().op(), "choosing a cuDNN algorithm",
                    "none of the " + ranking.size() + " algorithms for " + key
                            + " succeeded within a workspace limit of " + options.workspaceLimitBytes() + " bytes"
                            + (options.deterministic() ? " in deterministic mode" : "")
                            + "; raise the workspace limit" + (options.deterministic() ? " or allow non-deterministic algorithms" : ""));
        }
        return best;
    }

    /**
     * The cached choice for {@code key}, or one picked from the ranking {@code search} supplies. The search
     * (cudnnFind, which runs the algorithms) happens outside any lock; when two threads search one key at
     * once, the first choice stored is the one both use from then on.
     */
    public ConvAlgorithmPerf choose(ConvKey key, Supplier<List<ConvAlgorithmPerf>> search) {
        ConvAlgorithmPerf p = chosen.get(key);
        if (p == null) {
            List<ConvAlgorithmPerf> ranking = search.get();
            ConvAlgorithmPerf picked = pick(key, ranking, options);
            p = chosen.putIfAbsent(key, picked);
            if (p == null) {
                p = picked;
                LOG.debug("{}: algorithm {} ({} ms, {} bytes of workspace) of {}", key, p.algorithm(), p.timeMs(),
                        p.workspaceBytes(), ranking);
            }
        }
        return p;
    }

    public int cachedChoices() {
        return chosen.size();
    }

    public CudnnOptions options() {
        return options;
    }
}
