package dev.cortado.nn;

import dev.cortado.backend.Backend;
import dev.cortado.backend.CounterRng;
import dev.cortado.nn.layers.DropoutLayer;
import dev.cortado.tensor.ReusableTensor;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A directed acyclic graph of named layers on one backend, run in the order its spec lists them
 * (which must put every node after its inputs). Residual adds and channel concats are ordinary nodes
 * with several inputs; a node whose output feeds several nodes receives the sum of their gradients.
 *
 * <p>Shapes are inferred when the network is built, so a mismatch is reported before any data flows,
 * naming the node and the shapes. Any batch size works; buffers are reallocated when it changes.
 */
public final class Network implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Network.class);

    private final Backend backend;
    private final NetworkSpec spec;
    private final Shape inputShape;
    private final List<Node> nodes;
    private final NetworkSummary summary;
    private final List<Parameter> parameters;
    private final Tensor[] outputs;
    private final Tensor[] gradients;
    /** Per node read by several consumers, the sum of their gradients; null for the others. */
    private final ReusableTensor[] gradientSums;
    private final int[] consumers;
    /** Per node, the consumers whose gradient has not arrived yet in the running backward pass. */
    private final int[] pending;
    /** The network input's slot in {@link #outputs} and {@link #gradients}: one past the last node. */
    private final int inputSlot;
    /** Per node, the index in {@link #parameters} of its first parameter, and how many it has. */
    private final int[] firstParameter;
    private final int[] parameterCounts;
    private GradientHook gradientHook;

    /**
     * Told during {@link #backward} as soon as a node's parameter gradients are final for this pass (a
     * node writes its own parameters' gradients, and no other node does): data-parallel training starts
     * all-reducing a bucket of gradients from here, while backward goes on through the earlier nodes.
     */
    @FunctionalInterface
    public interface GradientHook {
        /** The gradients of {@code parameters().subList(first, first + count)} are final. */
        void gradientsReady(int first, int count);
    }

    /** {@code arguments} is reused by every forward pass to hand the layer its inputs. */
    private record Node(String name, Layer layer, List<String> inputNames, int[] inputs, Shape outputShape,
                        List<Tensor> arguments) {
    }

    private Network(NetworkSpec spec, Backend backend, Shape inputShape, List<Node> nodes) {
        this.spec = spec;
        this.backend = backend;
        this.inputShape = inputShape;
        this.nodes = List.copyOf(nodes);
        this.inputSlot = nodes.size();
        this.outputs = new Tensor[nodes.size() + 1];
        this.gradients = new Tensor[nodes.size() + 1];
        this.gradientSums = new ReusableTensor[nodes.size() + 1];
        this.consumers = new int[nodes.size() + 1];
        this.pending = new int[nodes.size() + 1];
        this.firstParameter = new int[nodes.size()];
        this.parameterCounts = new int[nodes.size()];
        List<Parameter> all = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int n = 0; n < nodes.size(); n++) {
            Node node = nodes.get(n);
            for (int i : node.inputs()) {
                consumers[i]++;
            }
            firstParameter[n] = all.size();
            parameterCounts[n] = node.layer().parameters().size();
            for (Parameter p : node.layer().parameters()) {
                if (!names.add(p.name())) {
                    throw new IllegalArgumentException("two parameters are named '" + p.name()
                            + "'; rename the node that produces the second (at '" + node.name() + "')");
                }
                all.add(p);
            }
        }
        this.parameters = List.copyOf(all);
        for (int i = 0; i < consumers.length; i++) {
            if (consumers[i] > 1) {
                gradientSums[i] = new ReusableTensor(backend::allocate);
            }
        }
        this.summary = summarize();
    }

    /**
     * Builds the network {@code spec} describes on {@code backend}, drawing initial weights from
     * {@code seed}; fails with a message naming the node on an unknown or duplicate name, an input
     * that comes later in the list, an unused node, or shapes that do not fit.
     */
    public static Network build(NetworkSpec spec, Backend backend, long seed) {
        int[] dims = new int[spec.inputShape().size() + 1];
        dims[0] = 1;
        for (int i = 0; i < spec.inputShape().size(); i++) {
            dims[i + 1] = spec.inputShape().get(i);
        }
        Shape input = Shape.of(dims);
        ParameterFactory params = new ParameterFactory(backend, seed);
        int inputSlot = spec.nodes().size();
        Map<String, Integer> index = new HashMap<>();
        List<String> allNames = spec.nodes().stream().map(NodeSpec::name).toList();
        List<Node> nodes = new ArrayList<>();
        try {
            for (int n = 0; n < spec.nodes().size(); n++) {
                NodeSpec node = spec.nodes().get(n);
                if (node.name().equals(NetworkSpec.INPUT)) {
                    throw new IllegalArgumentException("node " + (n + 1) + " is named '" + NetworkSpec.INPUT
                            + "', which is reserved for the network input; choose another name");
                }
                if (index.containsKey(node.name())) {
                    throw new IllegalArgumentException("duplicate node name '" + node.name() + "' (nodes "
                            + (index.get(node.name()) + 1) + " and " + (n + 1) + "); node names must be unique");
                }
                List<String> inputNames = node.inputs().isEmpty()
                        ? List.of(n == 0 ? NetworkSpec.INPUT : spec.nodes().get(n - 1).name())
                        : node.inputs();
                int[] inputs = new int[inputNames.size()];
                List<Shape> shapes = new ArrayList<>();
                for (int i = 0; i < inputs.length; i++) {
                    String in = inputNames.get(i);
                    if (in.equals(NetworkSpec.INPUT)) {
                        inputs[i] = inputSlot;
                        shapes.add(input);
                    } else if (index.containsKey(in)) {
                        inputs[i] = index.get(in);
                        shapes.add(nodes.get(inputs[i]).outputShape());
                    } else if (in.equals(node.name())) {
                        throw new IllegalArgumentException("node '" + node.name() + "' lists itself as an input;"
                                + " a network has no cycles");
                    } else if (allNames.contains(in)) {
                        throw new IllegalArgumentException("node '" + node.name() + "' takes input '" + in
                                + "', which is defined after it; list every node after the nodes it reads");
                    } else {
                        throw new IllegalArgumentException("node '" + node.name() + "' takes input '" + in
                                + "', but there is no node of that name; known so far: "
                                + known(index.keySet(), allNames));
                    }
                }
                Layer layer;
                Shape out;
                try {
                    layer = node.layer().create(node.name(), shapes, params);
                    try {
                        out = layer.outputShape(shapes);
                    } catch (RuntimeException e) {
                        layer.close();
                        throw e;
                    }
                } catch (ShapeMismatchException e) {
                    throw new ShapeMismatchException("node '" + node.name() + "' with input(s) "
                            + describe(inputNames, shapes) + ": " + e.getMessage());
                }
                index.put(node.name(), n);
                nodes.add(new Node(node.name(), layer, inputNames, inputs, out, new ArrayList<>(inputs.length)));
            }
            requireAllUsed(nodes, inputSlot);
            Network network = new Network(spec, backend, input, nodes);
            LOG.debug("built a network of {} nodes and {} parameters on {}", nodes.size(),
                    network.parameterCount(), backend.name());
            return network;
        } catch (RuntimeException e) {
            for (Node node : nodes) {
                node.layer().close();
            }
            throw e;
        }
    }

    private static String known(Set<String> defined, List<String> order) {
        List<String> names = new ArrayList<>();
        names.add(NetworkSpec.INPUT);
        for (String n : order) {
            if (defined.contains(n)) {
                names.add(n);
            }
        }
        return String.join(", ", names);
    }

    private static String describe(List<String> names, List<Shape> shapes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(names.get(i)).append(' ').append(shapes.get(i));
        }
        return b.toString();
    }

    /** Every node but the last must feed another: a dangling node would get no gradient. */
    private static void requireAllUsed(List<Node> nodes, int inputSlot) {
        boolean[] used = new boolean[inputSlot + 1];
        for (Node node : nodes) {
            for (int i : node.inputs()) {
                used[i] = true;
            }
        }
        for (int n = 0; n < nodes.size() - 1; n++) {
            if (!used[n]) {
                throw new IllegalArgumentException("node '" + nodes.get(n).name() + "' feeds no other node and is not"
                        + " the output (the last node, '" + nodes.get(nodes.size() - 1).name()
                        + "'); connect it or remove it");
            }
        }
    }

    private NetworkSummary summarize() {
        List<NetworkSummary.Row> rows = new ArrayList<>();
        for (Node node : nodes) {
            List<Shape> in = inputShapesOf(node);
            long count = 0;
            for (Parameter p : node.layer().parameters()) {
                count += p.value().size();
            }
            rows.add(new NetworkSummary.Row(node.name(), node.layer().type(), node.inputNames(),
                    perSample(node.outputShape()), count, node.layer().flops(in)));
        }
        long bufferValues = 0;
        for (Node node : nodes) {
            for (Tensor t : node.layer().buffers().values()) {
                bufferValues += t.size();
            }
        }
        return new NetworkSummary(perSample(inputShape), rows, bufferValues);
    }

    private List<Shape> inputShapesOf(Node node) {
        List<Shape> in = new ArrayList<>();
        for (int i : node.inputs()) {
            in.add(i == inputSlot ? inputShape : nodes.get(i).outputShape());
        }
        return in;
    }

    private static Shape perSample(Shape batched) {
        return Shape.of(Arrays.copyOfRange(batched.dims(), 1, batched.rank()));
    }

    /**
     * Rebuilds the network a checkpoint of {@code Trainer} holds, architecture and weights, from the
     * file alone; the optimizer state in it is ignored. The caller closes the network.
     *
     * @throws dev.cortado.checkpoint.CheckpointFormatException when the file does not record its
     *         architecture or its tensors do not fit it
     */
    public static Network load(java.nio.file.Path file, Backend backend) throws java.io.IOException {
        return NetworkWeights.load(file, backend);
    }

    public Backend backend() {
        return backend;
    }

    /** The spec this network was built from (its architecture, without weights). */
    public NetworkSpec spec() {
        return spec;
    }

    /** The shape of one input sample, e.g. [1, 28, 28]. */
    public Shape inputShape() {
        return perSample(inputShape);
    }

    /** The shape of one output sample, e.g. [10]. */
    public Shape outputShape() {
        return perSample(nodes.get(nodes.size() - 1).outputShape());
    }

    /** The input shape of a batch of {@code n} samples. */
    public Shape inputShape(int n) {
        return inputShape.withBatch(n);
    }

    public List<String> nodeNames() {
        return nodes.stream().map(Node::name).toList();
    }

    public Layer layer(String name) {
        for (Node node : nodes) {
            if (node.name().equals(name)) {
                return node.layer();
            }
        }
        throw new IllegalArgumentException("no node named '" + name + "'; nodes: " + nodeNames());
    }

    /**
     * Runs every node in order and returns the output node's tensor, which the network owns and
     * overwrites on the next call. {@code input} must stay unchanged until {@link #backward}.
     */
    public Tensor forward(Tensor input, Mode mode) {
        Shape s = input.shape();
        if (s.rank() != inputShape.rank() || !s.withBatch(1).equals(inputShape)) {
            throw new ShapeMismatchException("network input: expected [N, " + join(inputShape()) + "] but got " + s);
        }
        outputs[inputSlot] = input;
        for (int n = 0; n < nodes.size(); n++) {
            Node node = nodes.get(n);
            List<Tensor> in = node.arguments();
            in.clear();
            for (int i : node.inputs()) {
                in.add(outputs[i]);
            }
            outputs[n] = node.layer().forward(in, mode);
        }
        return outputs[nodes.size() - 1];
    }

    private static String join(Shape s) {
        String t = s.toString();
        return t.substring(1, t.length() - 1);
    }

    /**
     * Back-propagates ∂L/∂output through the last forward pass in reverse order, overwriting every
     * parameter's gradient. The gradient with respect to the network input is not computed.
     */
    public void backward(Tensor gradOutput) {
        propagate(gradOutput, false);
    }

    /**
     * As {@link #backward}, and also returns ∂L/∂input (for gradient checks, saliency maps or
     * adversarial inputs). The tensor is the network's and is overwritten by the next call.
     */
    public Tensor backwardToInput(Tensor gradOutput) {
        return propagate(gradOutput, true);
    }

    private Tensor propagate(Tensor gradOutput, boolean wantInputGradient) {
        int last = nodes.size() - 1;
        if (outputs[last] == null) {
            throw new IllegalStateException("backward before any forward pass");
        }
        if (!gradOutput.shape().equals(outputs[last].shape())) {
            throw new ShapeMismatchException("network backward: the output gradient must have the output's shape "
                    + outputs[last].shape() + ", got " + gradOutput.shape());
        }
        Arrays.fill(gradients, null);
        System.arraycopy(consumers, 0, pending, 0, consumers.length);
        gradients[last] = gradOutput;
        for (int n = last; n >= 0; n--) {
            Node node = nodes.get(n);
            boolean needInput = false;
            for (int i : node.inputs()) {
                needInput |= i != inputSlot || wantInputGradient;
            }
            List<Tensor> in = node.layer().backward(gradients[n], needInput);
            if (gradientHook != null && parameterCounts[n] > 0) {
                gradientHook.gradientsReady(firstParameter[n], parameterCounts[n]);
            }
            if (!needInput) {
                continue;
            }
            for (int k = 0; k < node.inputs().length; k++) {
                int i = node.inputs()[k];
                if (i != inputSlot || wantInputGradient) {
                    accumulate(i, in.get(k));
                }
            }
        }
        return wantInputGradient ? gradients[inputSlot] : null;
    }

    /**
     * A node read by one consumer takes that consumer's gradient as is; a node read by several gets a
     * buffer of its own holding their sum, because the consumers' gradients belong to them.
     */
    private void accumulate(int node, Tensor gradient) {
        if (consumers[node] == 1) {
            gradients[node] = gradient;
            return;
        }
        Tensor sum = gradientSums[node].get(gradient.shape());
        if (pending[node] == consumers[node]) {
            backend.tensors().copy(gradient, sum);
        } else {
            backend.tensors().add(sum, gradient, sum);
        }
        pending[node]--;
        gradients[node] = sum;
    }

    /** Every learnable tensor, in node order, with unique names such as "conv1.weight". */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** Non-learnable state (batch-norm running statistics) by full name, in node order. */
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (Node node : nodes) {
            all.putAll(node.layer().buffers());
        }
        return all;
    }

    public long parameterCount() {
        long count = 0;
        for (Parameter p : parameters) {
            count += p.value().size();
        }
        return count;
    }

    /**
     * Sets the seed of the dropout masks of the following forward passes. Each dropout layer draws
     * from hash(seed, its node index), so that layers draw independent masks and a trainer that sets
     * the seed from its run seed and the iteration number reproduces every mask on resume.
     */
    public void setDropoutSeed(long seed) {
        setDropoutSeed(seed, 0);
    }

    /**
     * As {@link #setDropoutSeed(long)}, for a batch that holds the rows from {@code firstSample} on of a
     * larger batch (one data-parallel replica's share): each layer's stream is advanced by the elements
     * of the rows before, so every sample gets the mask it would get in the whole batch.
     */
    public void setDropoutSeed(long seed, long firstSample) {
        for (int n = 0; n < nodes.size(); n++) {
            if (nodes.get(n).layer() instanceof DropoutLayer dropout) {
                // outputShape() has batch 1: its size is the elements of one sample, as dropout's input.
                dropout.setSeed(CounterRng.skip(CounterRng.hash(seed, n), firstSample * nodes.get(n).outputShape().size()));
            }
        }
    }

    /** Sets (or with null removes) the hook told of each node's final parameter gradients during backward. */
    public void setGradientHook(GradientHook hook) {
        this.gradientHook = hook;
    }

    public NetworkSummary summary() {
        return summary;
    }

    @Override
    public void close() {
        for (Node node : nodes) {
            node.layer().close();
        }
        for (ReusableTensor sum : gradientSums) {
            if (sum != null) {
                sum.close();
            }
        }
    }
}
