package dev.cortado.onnx;

import dev.cortado.backend.Backend;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.models.ModelConfig;
import dev.cortado.models.ModelConfigParser;
import dev.cortado.models.ModelZoo;
import dev.cortado.models.NetworkSpecs;
import dev.cortado.nn.LayerSpec;
import dev.cortado.nn.Network;
import dev.cortado.nn.NodeSpec;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The networks the export tests write: every zoo model at a small input where it allows one, a VGG
 * with batch norm, and a config with each layer and option the zoo does not use. Batch-norm
 * statistics and affine parameters get random values, so that exporting them wrongly shows. Files are
 * exported once per test run into a temporary folder and shared by the tests.
 */
final class ExportedModels {
    /**
     * Layers and options no zoo model uses: grouped and dilated convolution, PReLU on maps and on
     * features, ELU, leaky ReLU, softplus, swish, sigmoid, tanh, average pooling counting padding and,
     * in ceil mode, not counting it, a three-way add, flatten, batch norm on features, a dense layer
     * without bias, dropout and softmax.
     */
    static final String EVERY_LAYER = """
            model: every-layer
            input: [3, 19, 17]
            layers:
              - {type: conv, name: grouped, out: 8, kernel: 3, padding: 2, dilation: 2, groups: 1}
              - {type: prelu, name: prelu}
              - {type: conv, name: depthwise, out: 8, kernel: 3, stride: 2, padding: 1, groups: 8}
              - {type: batchnorm, name: bn}
              - {type: elu, name: elu, alpha: 0.7}
              - {type: avgpool, name: avg, kernel: 3, stride: 1, padding: 1}
              - {type: leaky_relu, name: leaky, slope: 0.1, inputs: [bn]}
              - {type: softplus, name: softplus, inputs: [bn]}
              - {type: add, name: sum3, inputs: [avg, leaky, softplus]}
              - {type: avgpool, name: avg_ceil, kernel: 3, stride: 2, count_padding: false, ceil_mode: true}
              - {type: swish, name: swish}
              - {type: conv, name: groups2, out: 6, kernel: 1, groups: 2, bias: false}
              - {type: tanh, name: tanh}
              - {type: flatten, name: flatten}
              - {type: dense, name: fc1, units: 12, bias: false}
              - {type: batchnorm, name: bn_features}
              - {type: sigmoid, name: sigmoid}
              - {type: prelu, name: prelu_features}
              - {type: dropout, name: drop, p: 0.3}
              - {type: dense, name: fc2, units: 5}
              - {type: softmax, name: probabilities}
            """;

    /** A name and the config to export, at the input size it is exported at. */
    record Model(String name, ModelConfig config) {
        @Override
        public String toString() {
            return name + " " + config.input();
        }
    }

    private static Path dir;
    private static CpuBackend cpu;
    private static final Map<String, Path> FILES = new LinkedHashMap<>();

    private ExportedModels() {
    }

    static List<Model> all() {
        List<Model> out = new ArrayList<>();
        List<String> names = new ArrayList<>(ModelZoo.NAMES);
        names.add("vgg11-bn");
        for (String name : names) {
            ModelConfig full = ModelZoo.load(name, Map.of("classes", "10"));
            // The smallest inputs the architectures take, as in the zoo tests: AlexNet's stem needs 67,
            // VGG's five pools 32; the 224-pixel ResNets and GoogLeNet run at 64.
            int size = full.input().get(1) <= 32 ? full.input().get(1)
                    : name.equals("alexnet") ? 67 : name.startsWith("vgg") ? 32 : 64;
            out.add(new Model(name, full.withInput(List.of(full.input().get(0), size, size))));
        }
        out.add(new Model("every-layer", ModelConfigParser.parse("every-layer", new StringReader(EVERY_LAYER), Map.of())));
        return out;
    }

    static synchronized Backend backend() {
        if (cpu == null) {
            cpu = new CpuBackend(Runtime.getRuntime().availableProcessors());
        }
        return cpu;
    }

    /** A network for {@code model} with random weights and batch-norm statistics. */
    static Network network(Model model) {
        Network network = Network.build(NetworkSpecs.from(model.config()), backend(), 11);
        SplittableRandom random = new SplittableRandom(model.name().hashCode());
        for (NodeSpec node : network.spec().nodes()) {
            if (node.layer() instanceof LayerSpec.BatchNorm) {
                fill(network.buffers().get(node.name() + ".running_mean"), random, -0.2, 0.2);
                fill(network.buffers().get(node.name() + ".running_var"), random, 0.5, 1.5);
                network.parameters().stream().filter(p -> p.name().startsWith(node.name() + "."))
                        .forEach(p -> fill(p.value(), random, p.name().endsWith(".weight") ? 0.5 : -0.2,
                                p.name().endsWith(".weight") ? 1.5 : 0.2));
            }
        }
        return network;
    }

    private static void fill(Tensor t, SplittableRandom random, double low, double high) {
        float[] v = new float[(int) t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble(low, high);
        }
        backend().tensors().copyFromHost(v, t);
    }

    /** The exported file of {@code model} (dynamic batch, default opset), written on first use. */
    static synchronized Path file(Model model) {
        return FILES.computeIfAbsent(model.name(), name -> {
            try (Network network = network(model)) {
                if (dir == null) {
                    dir = Files.createTempDirectory("cortado-onnx");
                    dir.toFile().deleteOnExit();
                }
                Path file = dir.resolve(name + ".onnx");
                OnnxExporter.write(network, OnnxExportOptions.defaults(), file);
                file.toFile().deleteOnExit();
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
