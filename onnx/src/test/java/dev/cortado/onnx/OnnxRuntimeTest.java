package dev.cortado.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cortado.backend.Backend;
import dev.cortado.nn.Mode;
import dev.cortado.nn.Network;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo model, exported, computes in Microsoft's ONNX Runtime what it computes in Cortado: a
 * batch of 3 random images through the file (its batch dimension symbolic) gives Cortado's eval-mode
 * outputs within 1e-4 of their largest magnitude.
 */
class OnnxRuntimeTest {
    /**
     * Both compute in float32 with different summation orders and kernels (ONNX Runtime also fuses
     * batch norm into the convolutions); over the deepest zoo networks the outputs differ by a few
     * 1e-6 of their scale. 1e-4 leaves room for that and still catches a wrong layout, padding,
     * rounding rule or constant, which change outputs by 1e-2 or more.
     */
    private static final double RELATIVE_TOLERANCE = 1e-4;

    static Stream<ExportedModels.Model> models() {
        return ExportedModels.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void onnxRuntimeComputesWhatCortadoComputes(ExportedModels.Model model) throws OrtException {
        Path file = ExportedModels.file(model);
        Backend cpu = ExportedModels.backend();
        int batch = 3;
        float[] expected;
        Shape shape;
        float[] x;
        try (Network network = ExportedModels.network(model)) {
            shape = network.inputShape(batch);
            x = new float[shape.intSize()];
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            try (Tensor input = cpu.upload(shape, x)) {
                expected = cpu.download(network.forward(input, Mode.EVAL));
            }
        }
        float[] actual = run(file, x, shape);
        assertEquals(expected.length, actual.length, model + ": output size");
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(scale > 0, model + ": all-zero output proves nothing");
        assertTrue(worst <= RELATIVE_TOLERANCE * scale, model + ": ONNX Runtime differs from Cortado by up to " + worst
                + ", more than " + RELATIVE_TOLERANCE + " of the output's largest magnitude " + scale);
    }

    /** A fixed batch size and an older opset write a file ONNX Runtime runs as well; a wrong batch is refused by it. */
    @Test
    void fixedBatchAndOpset13(@TempDir Path dir) throws Exception {
        ExportedModels.Model model = ExportedModels.all().stream().filter(m -> m.name().equals("resnet20")).findFirst()
                .orElseThrow();
        Path file = dir.resolve("resnet20-b2.onnx");
        try (Network network = ExportedModels.network(model)) {
            OnnxExporter.write(network, new OnnxExportOptions(13, 2, Map.of("k", "v")), file);
            float[] x = new float[network.inputShape(2).intSize()];
            java.util.Arrays.fill(x, 0.5f);
            float[] expected;
            try (Tensor input = ExportedModels.backend().upload(network.inputShape(2), x)) {
                expected = ExportedModels.backend().download(network.forward(input, Mode.EVAL));
            }
            float[] actual = run(file, x, network.inputShape(2));
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], RELATIVE_TOLERANCE * Math.max(1, Math.abs(expected[i])), "logit " + i);
            }
            assertTrue(Files.size(file) > 0);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
                assertArrayEquals(new long[] {2, 3, 32, 32},
                        ((ai.onnxruntime.TensorInfo) session.getInputInfo().get("input").getInfo()).getShape());
                assertEquals("v", session.getMetadata().getCustomMetadata().get("k"));
            }
        }
    }

    static float[] run(Path file, float[] x, Shape shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(Math.min(2, Runtime.getRuntime().availableProcessors()));
            long[] dims = new long[shape.rank()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shape.dim(i);
            }
            try (OrtSession session = env.createSession(file.toString(), options);
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims);
                 OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
                FloatBuffer out = ((OnnxTensor) result.get(OnnxExporter.OUTPUT).orElseThrow()).getFloatBuffer();
                float[] values = new float[out.remaining()];
                out.get(values);
                return values;
            }
        }
    }
}
