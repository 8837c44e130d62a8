package dev.cortado.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ResNet-20 trains through the command on CIFAR-shaped data (3×32×32 CIFAR-10 binaries): 200
 * iterations of batch 32 with SGD momentum, and the training loss falls.
 */
class ResNet20TrainingIT {
    @TempDir
    Path tmp;

    @Test
    void lossFalls() throws Exception {
        Path data = cifar10(tmp.resolve("cifar"), 320);
        Path run = tmp.resolve("run");
        CortadoJar r = CortadoJar.run(tmp, "train", "--model", "resnet20", "--data", data.toString(), "--epochs", "4",
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

    /**
     * CIFAR-10 binary batches (label byte, then 3072 bytes R, G, B planes): class c has a bright
     * square in cell c of a 4×3 grid of its colour plane c % 3, plus noise.
     */
    static Path cifar10(Path dir, int perBatch) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(5);
        for (int b = 1; b <= 6; b++) {
            String name = b <= 5 ? "data_batch_" + b + ".bin" : "test_batch.bin";
            try (OutputStream out = Files.newOutputStream(dir.resolve(name))) {
                for (int i = 0; i < perBatch; i++) {
                    int c = random.nextInt(10);
                    byte[] record = new byte[1 + 3072];
                    record[0] = (byte) c;
                    for (int p = 0; p < 3072; p++) {
                        int plane = p / 1024;
                        int y = (p % 1024) / 32;
                        int x = p % 32;
                        boolean square = plane == c % 3 && y / 8 == c / 4 && x / 8 == c % 4;
                        record[1 + p] = (byte) (random.nextInt(80) + (square ? 170 : 0));
                    }
                    out.write(record);
                }
            }
        }
        return dir;
    }
}
