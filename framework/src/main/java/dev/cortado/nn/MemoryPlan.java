package dev.cortado.nn;

import dev.cortado.backend.Backend;
import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.Pool2dSpec;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.optim.OptimizerType;
import dev.cortado.tensor.Device;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What training a network needs in memory, estimated from its spec alone, before anything is
 * allocated: so that a run that cannot fit stops with the numbers and the batch size that would fit,
 * instead of dying inside an allocation ten minutes in (or, for a shape past 2³¹ elements, with an
 * unexplained exception).
 *
 * <p>The categories, in bytes of float32:
 * <ul>
 *   <li>parameters: every learnable tensor, plus the non-learnable buffers (batch-norm statistics);</li>
 *   <li>gradients: one per parameter;</li>
 *   <li>optimizer state: {@link OptimizerType#stateTensorsPerParameter()} tensors per parameter;</li>
 *   <li>activations: per layer what it keeps for the backward pass (its output, its input gradient,
 *       a dropout mask, a gradient sum where a node feeds several), the device copy of the batch and
 *       the loss gradient, all counted twice: the pools keep a full batch's buffers cached while the
 *       last, smaller batch of an epoch allocates its own; plus the outputs of a validation batch;</li>
 *   <li>input batches: the training and the validation loader's rings of host batches;</li>
 *   <li>workspace: the CPU backend's per-thread scratch (im2col columns, padded planes, the GEMM's
 *       packing buffers) for the largest convolution, the initializer's host array, and the host
 *       copy of parameters, buffers and optimizer state that saving a checkpoint makes.</li>
 * </ul>
 * Each term is an upper bound of what the layers and the CPU backend allocate (MemoryPlanTest checks
 * the estimate against a real pool after training), so the plan errs on the side of refusing: it
 * overestimates by a small factor, never underestimates.
 */
public final class MemoryPlan {
    private static final Logger LOG = LogManager.getLogger(MemoryPlan.class);

    /** The most elements one Java array may hold, which bounds every tensor on the CPU (HostMemoryPool). */
    public static final long MAX_HOST_ARRAY = Integer.MAX_VALUE - 8;
    /** CpuConvolution's per-thread column block, in floats. */
    private static final long CONV_BLOCK_FLOATS = 1 << 18;
    /** CpuGemm's packing buffers per thread: (mc + nc)·kc plus an edge tile, at its largest kernel's blocking. */
    private static final long GEMM_FLOATS_PER_THREAD = (208L + 4160L) * 256 + 32 * 32;
    /** im2col pads each column run by one cache line (CpuConvolution.COLUMN_PAD_FLOATS). */
    private static final long COLUMN_PAD = 16;
    /** The widest vector the implicit-GEMM convolution keeps lane sums for (AVX-512: 16 floats). */
    private static final long MAX_LANES = 16;
    /** Host batches a DataLoader holds (its default prefetch of 2, plus the one filling and the one held), for two loaders. */
    private static final long LOADER_BATCHES = 2 * (2 + 2);

    private final int batchSize;
    private final OptimizerType optimizer;
    private final int threads;
    private final long parameters;
    private final long buffers;
    private final long activationsPerSample;
    private final long evalOutputsPerSample;
    private final long inputPerSample;
    private final long workspacePerThread;
    private final long workspaceShared;
    private final long largestParameter;
    private final String largestParameterName;
    private final long largestPerSampleTensor;

    private MemoryPlan(Estimate e, int batchSize, OptimizerType optimizer, int threads) {
        this.batchSize = batchSize;
        this.optimizer = optimizer;
        this.threads = threads;
        this.parameters = e.parameters;
        this.buffers = e.buffers;
        this.activationsPerSample = e.activations;
        this.evalOutputsPerSample = e.evalOutputs;
        this.inputPerSample = e.input;
        this.workspacePerThread = e.workspacePerThread;
        this.workspaceShared = e.workspaceShared;
        this.largestParameter = e.largestParameter;
        this.largestParameterName = e.largestParameterName;
        this.largestPerSampleTensor = e.largestPerSample;
    }

    /**
     * The plan for training {@code spec} with batches of {@code batchSize} and {@code optimizer},
     * with the CPU backend's workspace for as many threads as this machine has processors (its default).
     * A spec whose shapes do not fit together fails as {@link Network#build} would, with an
     * {@link IllegalArgumentException}.
     */
    public static MemoryPlan of(NetworkSpec spec, int batchSize, OptimizerType optimizer) {
        return of(spec, batchSize, optimizer, Runtime.getRuntime().availableProcessors());
    }

    public static MemoryPlan of(NetworkSpec spec, int batchSize, OptimizerType optimizer, int threads) {
        if (batchSize < 1 || threads < 1) {
            throw new IllegalArgumentException("memory plan: batch size and threads must be positive, got "
                    + batchSize + " and " + threads);
        }
        return new MemoryPlan(estimate(spec), batchSize, optimizer, threads);
    }

    /**
     * Plans training {@code spec} on {@code device} and stops with an {@link InsufficientMemoryException}
     * if it cannot fit; returns the spec, so that a caller can check in line with building:
     * {@code Network.build(MemoryPlan.checked(spec, batch, type, device), device, seed)}. A spec whose
     * shapes do not fit together is returned unchecked, for {@link Network#build} to report in its words.
     */
    public static NetworkSpec checked(NetworkSpec spec, int batchSize, OptimizerType optimizer, Backend device) {
        MemoryPlan plan;
        try {
            plan = of(spec, batchSize, optimizer, device instanceof CpuBackend cpu ? cpu.threads() : 1);
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
            LOG.debug("no memory plan: {}", e.getMessage());
            return spec;
        }
        plan.requireFits(device);
        return spec;
    }

    /**
     * Refuses the run if it cannot fit on {@code device}: on the CPU, in the Java heap that is left
     * (the maximum heap less what is in use) and within the largest Java array. The CUDA backend
     * offers no query of free device memory through {@link Backend} or its memory pool, so there the
     * plan is only logged.
     */
    public void requireFits(Backend device) {
        if (device.memory().device().kind() != Device.Kind.CPU) {
            LOG.debug("training needs about {} on {}; not checked: the backend reports no free device memory",
                    bytes(totalBytes()), device.name());
            return;
        }
        long available = availableHeap(false);
        if (fitsHost(available)) {
            LOG.debug("training needs about {} of the {} of Java heap available: {}", bytes(totalBytes()),
                    bytes(available), this);
            return;
        }
        // What "in use" counts may be garbage: collect once before refusing.
        available = availableHeap(true);
        if (fitsHost(available)) {
            return;
        }
        int largest = largestHostBatchThatFits(available);
        String arrays = largestParameter > MAX_HOST_ARRAY
                ? "; parameter '" + largestParameterName + "' alone has " + grouped(largestParameter)
                        + " elements, more than a Java array holds (" + grouped(MAX_HOST_ARRAY) + ")"
                : (long) batchSize * largestPerSampleTensor > MAX_HOST_ARRAY
                        ? "; one tensor of the batch would have " + grouped((long) batchSize * largestPerSampleTensor)
                                + " elements, more than a Java array holds"
                        : "";
        String advice = largest >= 1
                ? "the largest batch size that fits is " + largest + " (--batch-size " + largest + "), or give Java"
                        + " more heap with CORTADO_JAVA_OPTS=-Xmx<size>"
                : "even a batch of 1 does not fit: make the model smaller"
                        + (largestParameter > MAX_HOST_ARRAY ? "" : ", or give Java more heap with CORTADO_JAVA_OPTS=-Xmx<size>");
        throw new InsufficientMemoryException(String.format(Locale.ROOT, "training at batch size %d needs %s (%s)"
                        + " but the Java heap has %s available%s; %s", batchSize, bytesExact(totalBytes()), this,
                bytes(available), arrays, advice), this, available, largest);
    }

    private boolean fitsHost(long available) {
        return totalBytes() <= available && largestParameter <= MAX_HOST_ARRAY
                && (long) batchSize * largestPerSampleTensor <= MAX_HOST_ARRAY;
    }

    private static long availableHeap(boolean collect) {
        Runtime rt = Runtime.getRuntime();
        if (collect) {
            System.gc();
        }
        return Math.max(0, rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()));
    }

    /** Parameters and buffers (batch-norm statistics). */
    public long parameterBytes() {
        return floats(parameters + buffers);
    }

    public long gradientBytes() {
        return floats(parameters);
    }

    public long optimizerStateBytes() {
        return floats(mul(parameters, optimizer.stateTensorsPerParameter()));
    }

    public long activationBytes() {
        return floats(mul(batchSize, add(mul(2, activationsPerSample), evalOutputsPerSample)));
    }

    /** The data loaders' host batches. */
    public long inputBatchBytes() {
        return floats(mul(mul(batchSize, inputPerSample), LOADER_BATCHES));
    }

    public long workspaceBytes() {
        long checkpointCopy = add(mul(parameters, 1 + optimizer.stateTensorsPerParameter()), buffers);
        return floats(add(add(mul(threads, workspacePerThread), workspaceShared), add(largestParameter, checkpointCopy)));
    }

    /** Everything: what the run needs at its peak. */
    public long totalBytes() {
        return add(add(add(parameterBytes(), gradientBytes()), add(optimizerStateBytes(), activationBytes())),
                add(inputBatchBytes(), workspaceBytes()));
    }

    /** The bytes that grow with the batch size, per sample. */
    long bytesPerSample() {
        return floats(add(add(mul(2, activationsPerSample), evalOutputsPerSample), mul(inputPerSample, LOADER_BATCHES)));
    }

    public int batchSize() {
        return batchSize;
    }

    /** The largest batch size whose plan needs at most {@code availableBytes}, or 0 if not even one sample fits. */
    public int largestBatchThatFits(long availableBytes) {
        long fixed = add(add(parameterBytes(), gradientBytes()), add(optimizerStateBytes(), workspaceBytes()));
        if (fixed > availableBytes) {
            return 0;
        }
        long perSample = Math.max(1, bytesPerSample());
        return (int) Math.min(Integer.MAX_VALUE, (availableBytes - fixed) / perSample);
    }

    /** As {@link #largestBatchThatFits}, and within the largest Java array, as the CPU backend needs. */
    public int largestHostBatchThatFits(long availableBytes) {
        if (largestParameter > MAX_HOST_ARRAY) {
            return 0;
        }
        long byArrays = MAX_HOST_ARRAY / Math.max(1, largestPerSampleTensor);
        return (int) Math.min(largestBatchThatFits(availableBytes), byArrays);
    }

    /** "parameters 1.2 MiB, gradients ..., ...": the categories in words. */
    @Override
    public String toString() {
        return "parameters " + bytes(parameterBytes()) + ", gradients " + bytes(gradientBytes()) + ", " + optimizer
                + " state " + bytes(optimizerStateBytes()) + ", activations " + bytes(activationBytes())
                + ", input batches " + bytes(inputBatchBytes()) + ", workspace " + bytes(workspaceBytes());
    }

    /** Binary units with one decimal: "512 B", "3.5 KiB", "1.2 GiB". */
    public static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String bytesExact(long n) {
        return n == Long.MAX_VALUE ? "more than 8 EiB" : bytes(n) + " (" + grouped(n) + " bytes)";
    }

    private static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    // Saturating arithmetic: an absurd config must produce an absurd number, not a wrapped one.
    private static long add(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static long mul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }

    private static long floats(long n) {
        return mul(n, Float.BYTES);
    }

    // ---------------------------------------------------------------------------------------------
    // Shape inference over the spec, mirroring Network.build and each layer's allocations.

    /** Float counts: fixed ones, and per sample. */
    private static final class Estimate {
        long parameters;
        long buffers;
        long activations;
        long evalOutputs;
        long input;
        long workspacePerThread;
        long workspaceShared;
        long largestParameter;
        String largestParameterName = "";
        long largestPerSample;

        void parameter(String name, long n) {
            parameters = add(parameters, n);
            if (n > largestParameter) {
                largestParameter = n;
                largestParameterName = name;
            }
        }

        void perSampleTensor(long n) {
            largestPerSample = Math.max(largestPerSample, n);
        }
    }

    /** A per-sample shape: dims without the batch, as longs so that a flattened giant stays exact. */
    private record Dims(long[] d) {
        long size() {
            long s = 1;
            for (long x : d) {
                s = mul(s, x);
            }
            return s;
        }

        int rank() {
            return d.length;
        }

        long channels() {
            return d.length > 0 ? d[0] : 1;
        }

        /** As a batch-of-one Shape, for the specs' own shape functions; fails past int dimensions. */
        Shape batchOfOne() {
            int[] dims = new int[d.length + 1];
            dims[0] = 1;
            for (int i = 0; i < d.length; i++) {
                dims[i + 1] = Math.toIntExact(d[i]);
            }
            return Shape.of(dims);
        }

        static Dims perSample(Shape batched) {
            long[] d = new long[batched.rank() - 1];
            for (int i = 0; i < d.length; i++) {
                d[i] = batched.dim(i + 1);
            }
            return new Dims(d);
        }

        @Override
        public String toString() {
            return Arrays.toString(d);
        }
    }

    private static Estimate estimate(NetworkSpec spec) {
        Estimate e = new Estimate();
        Dims input = new Dims(spec.inputShape().stream().mapToLong(Integer::longValue).toArray());
        e.input = add(input.size(), 1);
        // The device copy of the batch (images and labels).
        e.activations = add(input.size(), 1);
        e.perSampleTensor(input.size());
        Map<String, Dims> shapes = new HashMap<>();
        Map<String, Integer> consumers = new HashMap<>();
        Dims last = null;
        for (int n = 0; n < spec.nodes().size(); n++) {
            NodeSpec node = spec.nodes().get(n);
            List<String> inputNames = node.inputs().isEmpty()
                    ? List.of(n == 0 ? NetworkSpec.INPUT : spec.nodes().get(n - 1).name())
                    : node.inputs();
            List<Dims> in = new ArrayList<>();
            for (String name : inputNames) {
                Dims d = name.equals(NetworkSpec.INPUT) ? input : shapes.get(name);
                if (d == null) {
                    throw new IllegalArgumentException("node '" + node.name() + "' takes input '" + name
                            + "', which is not defined before it");
                }
                in.add(d);
                if (!name.equals(NetworkSpec.INPUT)) {
                    consumers.merge(name, 1, Integer::sum);
                }
            }
            last = layer(node.name(), node.layer(), in, e);
            shapes.put(node.name(), last);
        }
        // A node read by several consumers gets a buffer of its own for the sum of their gradients.
        for (Map.Entry<String, Integer> c : consumers.entrySet()) {
            if (c.getValue() > 1) {
                e.activations = add(e.activations, shapes.get(c.getKey()).size());
            }
        }
        // The loss gradient, and the evaluator's predictions.
        e.activations = add(e.activations, last.size());
        e.evalOutputs = add(e.evalOutputs, 1);
        return e;
    }

    /** Adds one node's parameters, activations and workspace to {@code e}; returns its per-sample output shape. */
    private static Dims layer(String name, LayerSpec spec, List<Dims> in, Estimate e) {
        String where = "node '" + name + "'";
        if (spec instanceof LayerSpec.Add) {
            if (in.size() < 2) {
                throw new ShapeMismatchException(where + " adds two or more inputs, got " + in.size());
            }
            for (Dims d : in) {
                if (!Arrays.equals(d.d(), in.get(0).d())) {
                    throw new ShapeMismatchException(where + ": inputs must have one shape, got " + in);
                }
            }
            Dims out = in.get(0);
            return output(e, out, out.size(), out.size());
        }
        if (spec instanceof LayerSpec.Concat) {
            Dims first = in.get(0);
            if (first.rank() < 1) {
                throw new ShapeMismatchException(where + " concatenates along the channels, got " + first);
            }
            long channels = 0;
            for (Dims d : in) {
                if (d.rank() != first.rank()) {
                    throw new ShapeMismatchException(where + ": inputs must match but in the channels, got " + in);
                }
                channels += d.channels();
            }
            long[] d = first.d().clone();
            d[0] = channels;
            Dims out = new Dims(d);
            return output(e, out, mul(2, out.size()), out.size());
        }
        if (in.size() != 1) {
            throw new ShapeMismatchException(where + " takes exactly one input, got " + in.size());
        }
        Dims x = in.get(0);
        long xs = x.size();
        if (spec instanceof LayerSpec.Conv2d c) {
            requireImages(where, x);
            Conv2dSpec g = new Conv2dSpec(c.kernel(), c.kernel(), c.stride(), c.stride(), c.padding(), c.padding(),
                    c.dilation(), c.dilation(), c.groups());
            int channels = Math.toIntExact(x.channels());
            if (channels % c.groups() != 0 || c.outChannels() % c.groups() != 0) {
                throw new ShapeMismatchException(where + ": " + c.groups() + " group(s) must divide input channels "
                        + channels + " and output channels " + c.outChannels());
            }
            Shape weight = g.weightShape(channels, c.outChannels());
            Dims out = Dims.perSample(g.outputShape(x.batchOfOne(), weight));
            long w = weight.size();
            e.parameter(name + ".weight", w);
            if (c.bias()) {
                e.parameter(name + ".bias", c.outChannels());
            }
            long pixels = out.size() / c.outChannels();
            long colRows = w / c.outChannels();
            long paddedPlane = (x.d()[1] + 2L * c.padding() + c.kernel()) * (x.d()[2] + 2L * c.padding() + c.kernel());
            // Per thread: columns, gathered outputs, a partial filter gradient, padded input and output
            // planes and lane sums; shared: the rotated and the packed filter.
            long perThread = add(add(mul(colRows, pixels + COLUMN_PAD), mul(c.outChannels(), pixels)),
                    add(mul(4, CONV_BLOCK_FLOATS), add(mul(2, mul(channels + (long) c.outChannels(), paddedPlane)),
                            mul(1 + MAX_LANES, w))));
            e.workspacePerThread = Math.max(e.workspacePerThread, add(perThread, GEMM_FLOATS_PER_THREAD));
            e.workspaceShared = Math.max(e.workspaceShared, mul(2, w + 64L * colRows));
            return output(e, out, add(out.size(), xs), out.size());
        }
        if (spec instanceof LayerSpec.Dense d) {
            if (x.rank() < 1) {
                throw new ShapeMismatchException(where + " expects features, got " + x);
            }
            e.parameter(name + ".weight", mul(d.units(), xs));
            if (d.bias()) {
                e.parameter(name + ".bias", d.units());
            }
            e.workspacePerThread = Math.max(e.workspacePerThread, GEMM_FLOATS_PER_THREAD);
            Dims out = new Dims(new long[] {d.units()});
            return output(e, out, add(out.size(), xs), out.size());
        }
        if (spec instanceof LayerSpec.MaxPool p) {
            requireImages(where, x);
            return singleInput(e, x, Dims.perSample(Pool2dSpec.max(p.kernel(), p.stride(), p.padding())
                    .outputShape(x.batchOfOne())));
        }
        if (spec instanceof LayerSpec.AvgPool p) {
            requireImages(where, x);
            return singleInput(e, x, Dims.perSample(Pool2dSpec.average(p.kernel(), p.stride(), p.padding(),
                    p.countPadding()).outputShape(x.batchOfOne())));
        }
        if (spec instanceof LayerSpec.GlobalAvgPool) {
            requireImages(where, x);
            return singleInput(e, x, new Dims(new long[] {x.channels(), 1, 1}));
        }
        if (spec instanceof LayerSpec.BatchNorm) {
            requireFeaturesOrImages(where, x);
            e.parameter(name + ".weight", x.channels());
            e.parameter(name + ".bias", x.channels());
            // Running mean and variance, the saved batch statistics, and the frozen form's ones and zeros.
            e.buffers = add(e.buffers, mul(6, x.channels()));
            return singleInput(e, x, x);
        }
        if (spec instanceof LayerSpec.PRelu) {
            requireFeaturesOrImages(where, x);
            e.parameter(name + ".weight", x.channels());
            return singleInput(e, x, x);
        }
        if (spec instanceof LayerSpec.Lrn) {
            requireImages(where, x);
            e.workspacePerThread = Math.max(e.workspacePerThread, mul(4, xs));
            return singleInput(e, x, x);
        }
        if (spec instanceof LayerSpec.Dropout) {
            // Output, mask and input gradient in training; the identity in evaluation.
            return output(e, x, mul(3, xs), 0);
        }
        if (spec instanceof LayerSpec.Flatten) {
            if (x.rank() < 1) {
                throw new ShapeMismatchException(where + " expects an input with a batch dimension");
            }
            // Views over the same memory.
            return output(e, new Dims(new long[] {xs}), 0, 0);
        }
        if (spec instanceof LayerSpec.Activation || spec instanceof LayerSpec.Softmax) {
            return singleInput(e, x, x);
        }
        if (spec instanceof LayerSpec.ZeroPadShortcut z) {
            requireImages(where, x);
            if (z.outChannels() < x.channels()) {
                throw new ShapeMismatchException(where + " can only pad channels, but input " + x + " has more than "
                        + z.outChannels());
            }
            Dims sub = z.stride() == 1 ? x
                    : Dims.perSample(Pool2dSpec.average(1, z.stride(), 0, true).outputShape(x.batchOfOne()));
            long[] d = sub.d().clone();
            d[0] = z.outChannels();
            Dims out = new Dims(d);
            // Subsampled input, pads, output; in backward the same again, and the input gradient.
            return output(e, out, add(mul(2, add(sub.size(), out.size())), add(out.size(), xs)),
                    add(sub.size(), out.size()));
        }
        throw new IllegalArgumentException(where + ": no memory estimate for " + spec.getClass().getSimpleName());
    }

    /** A single-input layer that keeps its output and its input gradient. */
    private static Dims singleInput(Estimate e, Dims x, Dims out) {
        return output(e, out, add(out.size(), x.size()), out.size());
    }

    private static Dims output(Estimate e, Dims out, long training, long evaluation) {
        e.activations = add(e.activations, training);
        e.evalOutputs = add(e.evalOutputs, evaluation);
        e.perSampleTensor(out.size());
        return out;
    }

    private static void requireImages(String where, Dims x) {
        if (x.rank() != 3) {
            throw new ShapeMismatchException(where + " expects [C, H, W] samples, got " + x);
        }
    }

    private static void requireFeaturesOrImages(String where, Dims x) {
        if (x.rank() != 1 && x.rank() != 3) {
            throw new ShapeMismatchException(where + " expects [F] or [C, H, W] samples, got " + x);
        }
    }
}
