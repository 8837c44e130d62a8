package dev.cortado.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance run on the real Fashion-MNIST: train LeNet-5 for one epoch through the jar, then
 * evaluate the saved checkpoint (the same accuracy) and predict on test images.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FashionMnistIT {
    private static final Path DATA = Path.of(System.getProperty("cortado.data.fashion",
            "/usr/share/datasets/fashion-mnist"));

    @TempDir
    static Path work;
    private static Map<String, Object> trained;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(CortadoJar r) {
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, "--json prints exactly one line on stdout:\n" + r.out());
        return (Map<String, Object>) Json.parse(lines[0]);
    }

    @Test
    @Order(1)
    void trainOneEpoch() throws Exception {
        // The acceptance command: the defaults (Adam 1e-3, batch 64, seed 42, the cosine schedule) for one epoch.
        CortadoJar r = CortadoJar.run(work, "train", "--model", "lenet5", "--data", DATA.toString(), "--epochs", "1",
                "--json", "--checkpoint-dir", work.resolve("run").toString());
        assertEquals(0, r.exitCode(), r.err());
        trained = json(r);
        double accuracy = ((Number) trained.get("test_accuracy")).doubleValue();
        assertTrue(accuracy >= 0.85, "test accuracy " + accuracy + "\n" + r.err());
        assertEquals(61_706L, trained.get("parameters"));
        assertEquals(1L, trained.get("epochs"));
        assertTrue(((Number) trained.get("train_images_per_second")).doubleValue() > 0);
        assertTrue(Files.isRegularFile(Path.of((String) trained.get("checkpoint"))));
        assertTrue(Files.size(work.resolve("run/training.png")) > 0);
        assertEquals(2, Files.readAllLines(work.resolve("run/metrics.csv")).size());
        assertTrue(r.err().contains("epoch 1/1 100%"), "plain progress lines on stderr:\n" + r.err());
        assertTrue(!r.err().contains("\r"), "no control codes when stderr is not a terminal");
    }

    @Test
    @Order(2)
    void evaluateReportsTheSameAccuracy() throws Exception {
        CortadoJar r = CortadoJar.run(work, "evaluate", "--checkpoint", (String) trained.get("checkpoint"), "--json");
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> m = json(r);
        // The same weights on the same 10,000 images: the same number of correct answers.
        assertEquals(((Number) trained.get("test_accuracy")).doubleValue(),
                ((Number) m.get("test_accuracy")).doubleValue(), 1e-12);
        assertEquals(((Number) trained.get("test_loss")).doubleValue(), ((Number) m.get("test_loss")).doubleValue(),
                1e-4);
        assertTrue(r.err().contains("Ankle boot"), "per-class accuracy names the classes:\n" + r.err());
    }

    @Test
    @Order(3)
    void predictOnTestImages() throws Exception {
        CortadoJar r = CortadoJar.run(work, "predict", "--checkpoint", (String) trained.get("checkpoint"),
                DATA.resolve("t10k-images-idx3-ubyte.gz").toString(), "--limit", "5", "--json");
        assertEquals(0, r.exitCode(), r.err());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> predictions = (List<Map<String, Object>>) json(r).get("predictions");
        assertEquals(5, predictions.size());
        // The first test images are an ankle boot, a pullover and a trouser (their labels 9, 2, 1),
        // which any model above 85% gets right.
        assertEquals("Ankle boot", predictions.get(0).get("class"));
        assertEquals("Pullover", predictions.get(1).get("class"));
        assertEquals("Trouser", predictions.get(2).get("class"));
        for (Map<String, Object> p : predictions) {
            double probability = ((Number) p.get("probability")).doubleValue();
            assertTrue(probability > 0 && probability <= 1, p.toString());
        }
    }
}
