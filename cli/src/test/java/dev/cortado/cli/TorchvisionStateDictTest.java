package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.checkpoint.SafeTensors;
import dev.cortado.checkpoint.TensorData;
import dev.cortado.json.Json;
import dev.cortado.models.ModelConfig;
import dev.cortado.models.ModelZoo;
import dev.cortado.models.NetworkSpecs;
import dev.cortado.models.TorchvisionMapping;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.nn.Parameter;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict} takes a torchvision state dict saved as safetensors, with no Cortado metadata: it
 * recognizes resnet18 by the tensor names, normalizes with ImageNet's statistics and gives the same
 * prediction as the network holding those weights under Cortado's names.
 */
class TorchvisionStateDictTest {
    @TempDir
    Path dir;

    @Test
    void predictRecognizesAResnet18StateDict() throws Exception {
        Path weights = dir.resolve("resnet18-torchvision.safetensors");
        Path image = dir.resolve("noise.png");
        BufferedImage img = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(5);
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                img.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ImageIO.write(img, "png", image.toFile());

        ModelConfig config = ModelZoo.load("resnet18", Map.of());
        TorchvisionMapping mapping = TorchvisionMapping.forModel("resnet18").orElseThrow();
        double expectedProbability;
        int expectedClass;
        try (CpuBackend cpu = new CpuBackend(2); Network network = Network.build(NetworkSpecs.from(config), cpu, 3)) {
            // The file torchvision would write: its names (the inverse of the mapping's rules), and the
            // int64 counters Cortado ignores are simply absent.
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            Map<String, Tensor> all = new LinkedHashMap<>();
            for (Parameter p : network.parameters()) {
                all.put(p.name(), p.value());
            }
            all.putAll(network.buffers());
            all.forEach((name, t) -> {
                String tv = name.replaceAll("^stage(\\d)\\.0\\.proj_bn\\.", "layer$1.0.downsample.1.")
                        .replaceAll("^stage(\\d)\\.0\\.proj\\.", "layer$1.0.downsample.0.")
                        .replaceAll("^stage", "layer");
                assertEquals(name, mapping.cortadoName(tv).orElseThrow());
                tensors.put(tv, new TensorData(t.shape(), cpu.download(t)));
            });
            SafeTensors.write(weights, tensors, Map.of());

            ImageInput.Sample sample = ImageInput.readImage(image, 3, 224, 224, mapping.normalize());
            try (Tensor x = cpu.upload(Shape.nchw(1, 3, 224, 224), sample.pixels())) {
                float[] logits = cpu.download(network.forward(x, Mode.EVAL));
                double[] p = dev.cortado.infer.Classifier.softmax(logits, 0, logits.length);
                int best = 0;
                for (int c = 1; c < p.length; c++) {
                    best = p[c] > p[best] ? c : best;
                }
                expectedClass = best;
                expectedProbability = p[best];
            }
        }

        CliRunner r = CliRunner.run("predict", "--checkpoint", weights.toString(), image.toString(), "--backend", "cpu",
                "--json");
        assertEquals(0, r.exitCode(), r.err());
        Map<?, ?> prediction = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(r.out())).get("predictions")).get(0);
        assertEquals(expectedClass, ((Number) prediction.get("index")).intValue());
        assertEquals(Integer.toString(expectedClass), prediction.get("class"), "classes are named by index");
        // The same network and input in the same process: the same float operations, hence 1e-9.
        assertEquals(expectedProbability, ((Number) prediction.get("probability")).doubleValue(), 1e-9);
    }

    /** A safetensors file that is neither Cortado's nor a recognized state dict says what it would need to be. */
    @Test
    void anUnrecognizedStateDictIsAUsageError() throws Exception {
        Path weights = dir.resolve("other.safetensors");
        SafeTensors.write(weights, Map.of("encoder.weight", new TensorData(Shape.of(2), new float[] {1, 2})), Map.of());
        Path image = dir.resolve("one.png");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        CliRunner r = CliRunner.run("predict", "--checkpoint", weights.toString(), image.toString());
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
        assertTrue(r.err().contains("neither a checkpoint of 'cortado train'"), r.err());
        for (String model : List.of("resnet18", "resnet50", "vgg16", "vgg16-bn", "googlenet")) {
            assertTrue(r.err().contains(model), r.err());
        }
    }
}
