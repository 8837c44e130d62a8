package dev.cortado.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.checkpoint.SafeTensors;
import dev.cortado.checkpoint.SafeTensorsFile;
import dev.cortado.checkpoint.TensorData;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The zoo's resnet18, resnet50, vgg16, vgg16-bn and googlenet compute the same function as
 * torchvision's: Debian's torch and torchvision build each model (seeded, with random biases and
 * batch-norm statistics so that no tensor is trivially 0 or 1), save its state dict as safetensors
 * and the eval-mode logits of a random batch ({@code src/test/python/torchvision_reference.py});
 * Cortado loads the state dict through the model's torchvision mapping and must give the same logits.
 * The VGGs take 224×224 (their classifier reads 512×7×7 features); the others run at 64×64, which
 * GoogLeNet's ceil-mode pools take to 16, 8, 4 and 2. Skipped, saying why, where torch is missing.
 */
class TorchvisionParityTest {
    /**
     * Cortado and torch both compute in float32 but sum in different orders; over VGG-16's 16 layers
     * the logits differ by a few 1e-6 of their largest magnitude, so 1e-4 of it is a wide margin that
     * still catches any wrong weight, padding or rounding rule (those change logits by 1e-2 or more).
     */
    private static final double RELATIVE_TOLERANCE = 1e-4;

    /** Zoo name, torchvision builder, input size, batch, the state dict's dtype (half precision exercises the conversion). */
    record Case(String zoo, String torchvision, int size, int batch, String dtype) {
        String spec() {
            return torchvision + ":" + size + ":" + batch + ":" + dtype;
        }

        @Override
        public String toString() {
            return zoo + " " + size + "x" + size + " " + dtype;
        }
    }

    static final List<Case> CASES = List.of(
            new Case("resnet18", "resnet18", 64, 2, "F32"),
            new Case("resnet50", "resnet50", 64, 1, "BF16"),
            new Case("vgg16", "vgg16", 224, 1, "F16"),
            new Case("vgg16-bn", "vgg16_bn", 224, 1, "F16"),
            new Case("googlenet", "googlenet", 64, 2, "F32"));

    @TempDir
    static Path dir;
    private static CpuBackend cpu;

    static Stream<Arguments> cases() {
        return CASES.stream().map(Arguments::of);
    }

    @BeforeAll
    static void writeTheReferences() throws Exception {
        String python = PythonTorch.interpreter();
        Assumptions.assumeTrue(PythonTorch.has(python, "torch", "torchvision"),
                "skipped: " + python + " cannot import torch and torchvision (Debian: apt-get install python3-torch"
                        + " python3-torchvision); CI installs them");
        List<String> command = new ArrayList<>(List.of(python, "src/test/python/torchvision_reference.py",
                dir.toString()));
        CASES.forEach(c -> command.add(c.spec()));
        PythonTorch.run(command, 600);
        cpu = new CpuBackend(Runtime.getRuntime().availableProcessors());
    }

    @AfterAll
    static void stopBackend() {
        if (cpu != null) {
            cpu.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameLogitsAsTorchvision(Case c) throws IOException {
        Path weights = dir.resolve(c.torchvision() + ".safetensors");
        SafeTensorsFile io = SafeTensors.read(dir.resolve(c.torchvision() + ".io.safetensors"));
        TensorData input = io.tensors().get("input");
        float[] expected = io.tensors().get("logits").data();
        ModelConfig config = ModelZoo.load(c.zoo(), Map.of()).withInput(List.of(3, c.size(), c.size()));
        try (Network network = Network.build(NetworkSpecs.from(config), cpu, 0)) {
            PretrainedWeights.load(weights, network, c.zoo());
            try (Tensor x = cpu.upload(input.shape(), input.data())) {
                float[] logits = cpu.download(network.forward(x, Mode.EVAL));
                assertEquals(expected.length, logits.length, "logits per batch");
                double scale = 0;
                double worst = 0;
                for (int i = 0; i < expected.length; i++) {
                    scale = Math.max(scale, Math.abs(expected[i]));
                    worst = Math.max(worst, Math.abs(expected[i] - logits[i]));
                }
                assertTrue(worst <= RELATIVE_TOLERANCE * scale, c + ": logits differ from torchvision's by up to "
                        + worst + ", more than " + RELATIVE_TOLERANCE + " of their largest magnitude " + scale);
            }
        }
    }

    /** A state dict without Cortado metadata is recognized by its tensor names alone (what evaluate and predict do). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theStateDictIsRecognizedByItsTensorNames(Case c) throws IOException {
        Path weights = dir.resolve(c.torchvision() + ".safetensors");
        assertEquals(c.zoo(), TorchvisionMapping.identify(SafeTensors.readHeader(weights).shapes().keySet())
                .orElseThrow(() -> new AssertionError("no single zoo model recognizes " + weights)).model());
    }

    /** Helpers to find and run Debian's python3 with torch. */
    static final class PythonTorch {
        private PythonTorch() {
        }

        /** {@code -Dcortado.python}, else Debian's /usr/bin/python3 (where its python3-torch lives), else python3. */
        static String interpreter() {
            String configured = System.getProperty("cortado.python");
            if (configured != null && !configured.isBlank()) {
                return configured;
            }
            return java.nio.file.Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        }

        static boolean has(String python, String... modules) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import " + String.join(", ", modules))
                        .redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                return p.waitFor() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** Runs the command, failing the test with its output unless it exits 0 within {@code seconds}. */
        static String run(List<String> command, int seconds) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[][] out = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = e.toString().getBytes(StandardCharsets.UTF_8);
                }
            });
            reader.start();
            boolean done = p.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            reader.join();
            String text = new String(out[0], StandardCharsets.UTF_8);
            if (!done || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + (done ? " exited with " + p.exitValue()
                        : " took more than " + seconds + " s") + ":\n" + text);
            }
            return text;
        }
    }
}
