package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.checkpoint.SafeTensors;
import dev.cortado.checkpoint.SafeTensorsHeader;
import dev.cortado.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults that must not go unnoticed, through the real command: a checkpoint whose bytes changed on
 * disk, and a model that cannot fit in memory. Each ends in one line on stderr and exit code 2.
 */
class ReliabilityCommandTest {
    @TempDir
    Path tmp;

    private static void assertUsageError(CliRunner r, String... fragments) {
        r.assertUsageError(fragments);
        assertEquals(1, r.err().strip().lines().count(), "one line:\n" + r.err());
    }

    @Test
    void evaluatingACheckpointWithOneFlippedBitFailsNamingTheTensor() throws IOException {
        Path data = TinyData.idx(tmp.resolve("idx"), 40);
        Path run = tmp.resolve("run");
        CliRunner trained = CliRunner.run("train", "--model", "mlp", "--data", data.toString(), "--epochs", "1",
                "--batch-size", "20", "--backend", "cpu", "--checkpoint-dir", run.toString());
        assertEquals(0, trained.exitCode(), trained.err());
        Path checkpoint = run.resolve("last.safetensors");
        CliRunner clean = CliRunner.run("evaluate", "--checkpoint", checkpoint.toString(), "--data", data.toString());
        assertEquals(0, clean.exitCode(), clean.err());

        // The writer lays the tensors' bytes out in header order: flip one bit in the middle of the second.
        SafeTensorsHeader header = SafeTensors.readHeader(checkpoint);
        List<Map.Entry<String, Shape>> tensors = List.copyOf(header.shapes().entrySet());
        String victim = tensors.get(1).getKey();
        long offset = tensors.get(0).getValue().size() * Float.BYTES + tensors.get(1).getValue().size() * Float.BYTES / 2;
        byte[] bytes = Files.readAllBytes(checkpoint);
        long dataStart = 8 + ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        bytes[Math.toIntExact(dataStart + offset)] ^= 0x10;
        Files.write(checkpoint, bytes);

        CliRunner r = CliRunner.run("evaluate", "--checkpoint", checkpoint.toString(), "--data", data.toString());
        assertUsageError(r, checkpoint.toString(), "tensor '" + victim + "' is corrupted", "CRC-32C");
    }

    @Test
    void trainingAModelThatCannotFitStopsBeforeAllocatingWithTheNumbers() throws IOException {
        // Before the memory plan this ended in "unexpected error: java.lang.IllegalStateException: shape
        // [...] has 3456000000000 elements, more than a host array holds", exit 1.
        Path config = tmp.resolve("huge.yaml");
        Files.writeString(config, """
                input: [1, 28, 28]
                layers:
                  - {type: conv, name: conv, out: 60000, kernel: 3, padding: 1}
                  - {type: flatten, name: flat}
                  - {type: dense, name: fc, units: 100000}
                  - {type: dense, name: out, units: 10}
                """);
        Path run = tmp.resolve("run");
        CliRunner r = CliRunner.run("train", "--model", config.toString(), "--data", TinyData.idx(tmp.resolve("idx"), 40)
                .toString(), "--epochs", "1", "--backend", "cpu", "--checkpoint-dir", run.toString());
        assertUsageError(r, "training at batch size 64 needs ", " bytes)", "but the Java heap has ",
                "parameter 'fc.weight' alone has 4,704,000,000,000 elements", "even a batch of 1 does not fit");
    }

    @Test
    void theSummaryShowsTheTrainingMemory() {
        CliRunner r = CliRunner.run("summary", "--model", "lenet5");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Training memory at batch 64 with adam: "), r.out());
    }
}
