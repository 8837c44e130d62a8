package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.checkpoint.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ResNet-20 trains through the command on CIFAR-shaped data (3×32×32 CIFAR-10 binaries): 200
 * iterations of batch 32 with SGD momentum, and the training loss falls.
 */
class ResNet20TrainingTest {
    @TempDir
    Path tmp;

    @Test
    void lossFalls() throws Exception {
        Path data = TinyData.cifar10(tmp.resolve("cifar"), 320);
        Path run = tmp.resolve("run");
        CliRunner r = CliRunner.run("train", "--model", "resnet20", "--data", data.toString(), "--epochs", "4",
                "--max-iterations", "200", "--batch-size", "32", "--optimizer", "sgd", "--momentum", "0.9", "--lr",
                "0.05", "--backend", "cpu", "--checkpoint-dir", run.toString(), "--json");
        assertEquals(0, r.exitCode(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) Json.parse(r.out().strip());
        assertEquals(200L, result.get("iterations"));
        assertEquals(269_722L, result.get("parameters"));
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(5, rows.size(), "header and 4 epochs of 50 iterations:\n" + rows);
        double first = Double.parseDouble(rows.get(1).split(",")[2]);
        double last = Double.parseDouble(rows.get(4).split(",")[2]);
        // Chance level is ln 10 ≈ 2.30; the squares are easy, so the mean loss of the last epoch must
        // be well below both chance and the first epoch's.
        assertTrue(last < 0.7 * first && last < 1.5, "training loss went from " + first + " to " + last);
        assertTrue(Files.size(run.resolve("training.png")) > 0);
    }
}
