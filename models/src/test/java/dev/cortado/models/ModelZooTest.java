package dev.cortado.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.nn.Parameter;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo model builds from its config with exactly the parameter count of its paper / reference
 * implementation, and runs one forward and backward step on the CPU backend.
 */
class ModelZooTest {
    private static CpuBackend cpu;

    @BeforeAll
    static void startBackend() {
        cpu = new CpuBackend(Runtime.getRuntime().availableProcessors());
    }

    @AfterAll
    static void stopBackend() {
        cpu.close();
    }

    /**
     * Reference counts: LeNet-5 and the MLP by hand (weights + biases), AlexNet from Caffe's
     * bvlc_alexnet, VGG A–E from torchvision's vgg11…vgg19 (A-LRN adds no parameters, C adds its 1×1
     * convolutions), ResNet-18/34/50 from torchvision, ResNet-20/56 from He et al. 2015 (option A
     * shortcuts, so the identity paths add none), GoogLeNet from torchvision's googlenet without its
     * auxiliary classifiers ({@code aux_logits=False}).
     */
    static Stream<Arguments> references() {
        return Stream.of(
                Arguments.of("lenet5", 61_706L), Arguments.of("mlp", 535_818L), Arguments.of("alexnet", 60_965_224L),
                Arguments.of("vgg11", 132_863_336L), Arguments.of("vgg11-lrn", 132_863_336L),
                Arguments.of("vgg13", 133_047_848L), Arguments.of("vgg13-1x1", 133_638_952L),
                Arguments.of("vgg16", 138_357_544L), Arguments.of("vgg19", 143_667_240L),
                Arguments.of("resnet18", 11_689_512L), Arguments.of("resnet34", 21_797_672L),
                Arguments.of("resnet50", 25_557_032L), Arguments.of("resnet20", 269_722L),
                Arguments.of("resnet56", 853_018L), Arguments.of("googlenet", 6_624_904L));
    }

    @Test
    void everyZooModelHasAReference() {
        assertEquals(ModelZoo.NAMES, references().map(a -> (String) a.get()[0]).toList());
    }

    @ParameterizedTest(name = "{0}: {1} parameters")
    @MethodSource("references")
    void parameterCountMatchesTheReference(String name, long expected) {
        ModelConfig config = ModelZoo.load(name, Map.of());
        assertEquals(expected, config.referenceParameters(), "the count the config declares");
        // Built at the full input size: the first dense layer of AlexNet and VGG depends on it.
        try (Network network = Network.build(NetworkSpecs.from(config), cpu, 1)) {
            assertEquals(expected, network.parameterCount());
            assertEquals(expected, network.summary().totalParameters());
        }
    }

    /**
     * One training step's forward and backward passes. The 224×224 models run at 64×64 and AlexNet at
     * 67×67 (its stride-4 11×11 stem and three 3×3/2 pools need at least 67) with batch 2, which keeps
     * every layer and shape rule exercised and the whole test well under a minute on two cores.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("references")
    void forwardAndBackwardRunOnTheCpu(String name, long ignored) {
        ModelConfig full = ModelZoo.load(name, Map.of("classes", "10"));
        int size = full.input().get(1) <= 32 ? full.input().get(1) : name.equals("alexnet") ? 67 : 64;
        ModelConfig config = new ModelConfig(full.name(), full.description(), full.source(),
                List.of(full.input().get(0), size, size), full.layers(), full.variables(), 0);
        try (Network network = Network.build(NetworkSpecs.from(config), cpu, 7)) {
            int batch = 2;
            Shape shape = network.inputShape(batch);
            float[] x = new float[shape.intSize()];
            SplittableRandom random = new SplittableRandom(3);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            try (Tensor input = cpu.upload(shape, x);
                 Tensor labels = cpu.upload(Shape.of(batch), 1f, 7f);
                 Tensor gradient = cpu.allocate(Shape.of(batch, 10))) {
                Tensor logits = network.forward(input, Mode.TRAIN);
                assertEquals(Shape.of(batch, 10), logits.shape());
                float loss = cpu.losses().softmaxCrossEntropy(logits, labels, 0f, gradient);
                // Freshly initialized logits are small, so the loss sits near ln(10) ≈ 2.3; any finite
                // positive value shows the forward pass produced numbers.
                assertTrue(Float.isFinite(loss) && loss > 0, "loss " + loss);
                network.backward(gradient);
                double norm = 0;
                for (Parameter p : network.parameters()) {
                    for (float g : cpu.download(p.gradient())) {
                        assertTrue(Float.isFinite(g), p.name() + " has a non-finite gradient");
                        norm += (double) g * g;
                    }
                }
                assertTrue(norm > 0, "the backward pass produced all-zero gradients");
            }
        }
    }
}
