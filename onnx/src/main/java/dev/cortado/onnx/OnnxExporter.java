package dev.cortado.onnx;

import com.google.protobuf.ByteString;
import dev.cortado.backend.Pool2dSpec;
import dev.cortado.backend.PoolMode;
import dev.cortado.files.AtomicWrite;
import dev.cortado.nn.LayerSpec;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkSpec;
import dev.cortado.nn.NetworkSummary;
import dev.cortado.nn.NodeSpec;
import dev.cortado.nn.Parameter;
import dev.cortado.onnx.proto.OnnxProtos.AttributeProto;
import dev.cortado.onnx.proto.OnnxProtos.GraphProto;
import dev.cortado.onnx.proto.OnnxProtos.ModelProto;
import dev.cortado.onnx.proto.OnnxProtos.NodeProto;
import dev.cortado.onnx.proto.OnnxProtos.OperatorSetIdProto;
import dev.cortado.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.cortado.onnx.proto.OnnxProtos.TensorProto;
import dev.cortado.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.cortado.onnx.proto.OnnxProtos.TypeProto;
import dev.cortado.onnx.proto.OnnxProtos.ValueInfoProto;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Writes a network, with its current weights, as an ONNX model for inference: one graph input
 * {@code input} of shape [N, C, H, W] (N symbolic or fixed), one output {@code output}, the weights as
 * initializers, and each layer as the ONNX operators that compute it in eval mode — batch norm with
 * its running statistics, dropout as Identity. Every layer the config format offers has an exact
 * counterpart: Conv (groups, dilation), Gemm after Flatten for dense layers, MaxPool and AveragePool
 * with their padding and ceil mode, GlobalAveragePool, BatchNormalization, LRN (whose alpha, like
 * Cortado's, is divided by size), Relu, LeakyRelu, Elu, Sigmoid, Tanh, Softplus, PRelu, swish as
 * x·Sigmoid(x), Add or Sum, Concat, Flatten, Softmax over the channels, and the CIFAR ResNets'
 * option-A shortcut as a strided Slice and a channel Pad.
 */
public final class OnnxExporter {
    private static final Logger LOG = LogManager.getLogger(OnnxExporter.class);
    /** The graph input's and output's names. */
    public static final String INPUT = "input";
    public static final String OUTPUT = "output";

    private final Network network;
    private final OnnxExportOptions options;
    private final Map<String, Tensor> weights = new HashMap<>();
    private final Map<String, Shape> shapes = new HashMap<>();
    private final GraphProto.Builder graph = GraphProto.newBuilder();

    private OnnxExporter(Network network, OnnxExportOptions options) {
        this.network = network;
        this.options = options;
        for (Parameter p : network.parameters()) {
            weights.put(p.name(), p.value());
        }
        weights.putAll(network.buffers());
    }

    /** The ONNX model of {@code network} with its current weights. */
    public static ModelProto export(Network network, OnnxExportOptions options) {
        return new OnnxExporter(network, options).model();
    }

    /** Exports {@code network} to {@code file}, replacing it atomically. */
    public static void write(Network network, OnnxExportOptions options, Path file) throws IOException {
        ModelProto model = export(network, options);
        AtomicWrite.write(file.toAbsolutePath(), temporary -> {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                model.writeTo(out);
            }
        });
        LOG.info("wrote {} ({} nodes, opset {}, {} bytes)", file, model.getGraph().getNodeCount(), options.opset(),
                model.getSerializedSize());
    }

    private ModelProto model() {
        NetworkSummary summary = network.summary();
        graph.setName("cortado");
        graph.addInput(valueInfo(INPUT, summary.inputShape()));
        shapes.put(NetworkSpec.INPUT, summary.inputShape());
        List<NodeSpec> nodes = network.spec().nodes();
        for (int i = 0; i < nodes.size(); i++) {
            NodeSpec node = nodes.get(i);
            NetworkSummary.Row row = summary.rows().get(i);
            List<String> inputs = new ArrayList<>();
            List<Shape> inputShapes = new ArrayList<>();
            for (String in : row.inputs()) {
                inputs.add(value(in));
                inputShapes.add(shapes.get(in));
            }
            String output = i == nodes.size() - 1 ? OUTPUT : node.name();
            layer(node.name(), node.layer(), inputs, inputShapes, output);
            shapes.put(node.name(), row.outputShape());
        }
        graph.addOutput(valueInfo(OUTPUT, summary.rows().get(nodes.size() - 1).outputShape()));
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(options.irVersion())
                .setProducerName("Cortado")
                .setProducerVersion(OnnxExporter.class.getPackage().getImplementationVersion() == null ? "0.1.0"
                        : OnnxExporter.class.getPackage().getImplementationVersion())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(options.opset()))
                .setGraph(graph);
        options.metadata().forEach((k, v) -> model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    /** The ONNX value a node's output is called by: its name, {@code input} for the network input, {@code output} for the last. */
    private String value(String node) {
        List<NodeSpec> nodes = network.spec().nodes();
        if (node.equals(NetworkSpec.INPUT)) {
            return INPUT;
        }
        return node.equals(nodes.get(nodes.size() - 1).name()) ? OUTPUT : node;
    }

    private void layer(String name, LayerSpec spec, List<String> in, List<Shape> inShapes, String out) {
        String x = in.get(0);
        if (spec instanceof LayerSpec.Conv2d c) {
            List<String> inputs = new ArrayList<>(List.of(x, initializer(name + ".weight")));
            if (c.bias()) {
                inputs.add(initializer(name + ".bias"));
            }
            node("Conv", name, inputs, out, ints("kernel_shape", c.kernel(), c.kernel()),
                    ints("strides", c.stride(), c.stride()), ints("pads", c.padding(), c.padding(), c.padding(), c.padding()),
                    ints("dilations", c.dilation(), c.dilation()), integer("group", c.groups()));
        } else if (spec instanceof LayerSpec.Dense d) {
            String flat = x;
            if (inShapes.get(0).rank() != 1) {
                flat = name + "/flatten";
                node("Flatten", flat, List.of(x), flat, integer("axis", 1));
            }
            List<String> inputs = new ArrayList<>(List.of(flat, initializer(name + ".weight")));
            if (d.bias()) {
                inputs.add(initializer(name + ".bias"));
            }
            node("Gemm", name, inputs, out, integer("transB", 1));
        } else if (spec instanceof LayerSpec.MaxPool p) {
            pool("MaxPool", name, p.geometry(), x, out);
        } else if (spec instanceof LayerSpec.AvgPool p) {
            pool("AveragePool", name, p.geometry(), x, out);
        } else if (spec instanceof LayerSpec.GlobalAvgPool) {
            node("GlobalAveragePool", name, List.of(x), out);
        } else if (spec instanceof LayerSpec.BatchNorm b) {
            node("BatchNormalization", name, List.of(x, initializer(name + ".weight"), initializer(name + ".bias"),
                    initializer(name + ".running_mean"), initializer(name + ".running_var")), out,
                    real("epsilon", b.epsilon()));
        } else if (spec instanceof LayerSpec.Lrn l) {
            node("LRN", name, List.of(x), out, integer("size", l.size()), real("alpha", l.alpha()),
                    real("beta", l.beta()), real("bias", l.k()));
        } else if (spec instanceof LayerSpec.Dropout) {
            node("Identity", name, List.of(x), out);
        } else if (spec instanceof LayerSpec.Flatten) {
            node("Flatten", name, List.of(x), out, integer("axis", 1));
        } else if (spec instanceof LayerSpec.Activation a) {
            activation(name, a, x, out);
        } else if (spec instanceof LayerSpec.PRelu) {
            // ONNX broadcasts the slope from the right: [C] per channel needs [C, 1, 1] on an NCHW input.
            Shape s = inShapes.get(0);
            int channels = s.dim(0);
            Shape slope = s.rank() == 3 ? Shape.of(channels, 1, 1) : Shape.of(channels);
            node("PRelu", name, List.of(x, initializer(name + ".weight", slope)), out);
        } else if (spec instanceof LayerSpec.Add) {
            node(in.size() == 2 ? "Add" : "Sum", name, in, out);
        } else if (spec instanceof LayerSpec.Concat) {
            node("Concat", name, in, out, integer("axis", 1));
        } else if (spec instanceof LayerSpec.Softmax) {
            node("Softmax", name, List.of(x), out, integer("axis", 1));
        } else if (spec instanceof LayerSpec.ZeroPadShortcut z) {
            shortcut(name, z, x, inShapes.get(0), out);
        } else {
            throw new IllegalStateException("layer '" + name + "': no ONNX export for " + spec);
        }
    }

    private void pool(String op, String name, Pool2dSpec g, String x, String out) {
        List<AttributeProto> attributes = new ArrayList<>(List.of(ints("kernel_shape", g.kernelH(), g.kernelW()),
                ints("strides", g.strideH(), g.strideW()), ints("pads", g.padH(), g.padW(), g.padH(), g.padW()),
                integer("ceil_mode", g.ceilMode() ? 1 : 0)));
        if (g.mode() != PoolMode.MAX) {
            attributes.add(integer("count_include_pad", g.mode() == PoolMode.AVERAGE_INCLUDE_PADDING ? 1 : 0));
        }
        node(op, name, List.of(x), out, attributes.toArray(AttributeProto[]::new));
    }

    private void activation(String name, LayerSpec.Activation a, String x, String out) {
        switch (a.kind()) {
            case RELU -> node("Relu", name, List.of(x), out);
            case LEAKY_RELU -> node("LeakyRelu", name, List.of(x), out, real("alpha", a.alpha()));
            case ELU -> node("Elu", name, List.of(x), out, real("alpha", a.alpha()));
            case SIGMOID -> node("Sigmoid", name, List.of(x), out);
            case TANH -> node("Tanh", name, List.of(x), out);
            case SOFTPLUS -> node("Softplus", name, List.of(x), out);
            case SWISH -> {
                // No Swish operator before opset 24 (and then with a beta): x·σ(x) as two nodes.
                String sigmoid = name + "/sigmoid";
                node("Sigmoid", sigmoid, List.of(x), sigmoid);
                node("Mul", name, List.of(x, sigmoid), out);
            }
            default -> throw new IllegalStateException("layer '" + name + "': activation " + a.kind()
                    + " has no ONNX export");
        }
    }

    /** Option A: every stride-th pixel (a Slice with steps), then zero channels, half before and the rest after. */
    private void shortcut(String name, LayerSpec.ZeroPadShortcut z, String x, Shape in, String out) {
        String sub = x;
        if (z.stride() > 1) {
            sub = name + "/subsample";
            node("Slice", sub, List.of(x, constant(name + "/starts", 0, 0),
                    constant(name + "/ends", Long.MAX_VALUE, Long.MAX_VALUE), constant(name + "/axes", 2, 3),
                    constant(name + "/steps", z.stride(), z.stride())), sub);
        }
        int padding = z.outChannels() - in.dim(0);
        int before = padding / 2;
        node("Pad", name, List.of(sub, constant(name + "/pads", 0, before, 0, 0, 0, padding - before, 0, 0)), out,
                text("mode", "constant"));
    }

    private void node(String op, String name, List<String> inputs, String output, AttributeProto... attributes) {
        graph.addNode(NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output)
                .addAllAttribute(List.of(attributes)));
    }

    /** Adds the network's tensor {@code name} as an initializer of its own shape; returns its name. */
    private String initializer(String name) {
        return initializer(name, tensor(name).shape());
    }

    /** Adds the network's tensor {@code name} as an initializer of shape {@code shape} (same element count). */
    private String initializer(String name, Shape shape) {
        float[] values = network.backend().download(tensor(name));
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (int d : shape.dims()) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    private Tensor tensor(String name) {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new IllegalStateException("the network has no tensor '" + name + "' to export");
        }
        return t;
    }

    /** A 1-D int64 initializer (the shape-like inputs of Slice and Pad). */
    private String constant(String name, long... values) {
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length).addAllInt64Data(java.util.Arrays.stream(values).boxed().toList()));
        return name;
    }

    private ValueInfoProto valueInfo(String name, Shape perSample) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        shape.addDim(options.batch() == OnnxExportOptions.DYNAMIC_BATCH
                ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                : TensorShapeProto.Dimension.newBuilder().setDimValue(options.batch()));
        for (int d : perSample.dims()) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    private static AttributeProto text(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }
}
