package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The commands that report on a model without training it: benchmark, summary, devices. */
class ReportCommandsTest {
    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(CliRunner r) {
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, "--json prints one line on stdout:\n" + r.out());
        return (Map<String, Object>) Json.parse(lines[0]);
    }

    @Test
    void benchmarkReportsTrainingAndInferenceRatesAndEveryLayer() {
        Map<String, Object> m = json(CliRunner.run("benchmark", "--model", "lenet5", "--batch-size", "4",
                "--iterations", "2", "--runs", "1", "--warmup", "0", "--backend", "cpu", "--json"));
        assertEquals("lenet5", m.get("model"));
        assertEquals("cpu", m.get("backend"));
        assertTrue(((Number) m.get("train_images_per_second")).doubleValue() > 0);
        assertTrue(((Number) m.get("inference_images_per_second")).doubleValue() > 0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> layers = (List<Map<String, Object>>) m.get("layers");
        assertEquals(11, layers.size(), "LeNet-5 has 11 nodes");
        assertEquals("conv1", layers.get(0).get("name"));
        assertTrue(((Number) layers.get(3).get("backward_ms")).doubleValue() > 0, "conv2's backward takes time");
    }

    @Test
    void loaderBenchmarkMeasuresTheInputPipelineAlone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path data = TinyData.imageFolder(dir, List.of("a", "b"), 6, 1);
        Map<String, Object> m = json(CliRunner.run("benchmark", "--loader", "--data", data.toString(), "--input-size",
                "24", "--augment", "resized-crop,flip", "--workers", "2", "--batch-size", "4", "--iterations", "2",
                "--runs", "1", "--warmup", "0", "--json"));
        assertTrue(((Number) m.get("loader_images_per_second")).doubleValue() > 0);
        assertEquals(2L, m.get("workers"));
        assertEquals("3×24×24", m.get("output_shape"), "an image folder is read as RGB at the input size");
        assertEquals("resized-crop,flip", m.get("augment"));
    }

    @Test
    void summaryCountsLeNetExactly() {
        Map<String, Object> m = json(CliRunner.run("summary", "--model", "lenet5", "--json"));
        assertEquals(61_706L, m.get("parameters"));
        assertEquals(852_370L, m.get("flops"));
        assertEquals(11, ((List<?>) m.get("layers")).size());
    }

    @Test
    void devicesNamesWhatIsMissingForCuda() {
        CliRunner r = CliRunner.run("devices");
        assertEquals(0, r.exitCode(), r.err());
        String all = r.out() + r.err();
        assertTrue(all.contains("cores"), all);
        assertTrue(all.toLowerCase().contains("cuda"), all);
    }
}
