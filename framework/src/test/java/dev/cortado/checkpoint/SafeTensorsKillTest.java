package dev.cortado.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL (no shutdown hook, no finally) while it rewrites a checkpoint in a
 * loop leaves, under the checkpoint's name, one complete earlier version whose checksums verify,
 * never a torn file; at most a temporary file beside it.
 */
class SafeTensorsKillTest {
    @TempDir
    Path dir;

    /** Rewrites {@code args[0]} forever: version v holds 4 MiB of floats all equal to v. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        float[] data = new float[1 << 20];
        for (int version = 1; ; version++) {
            java.util.Arrays.fill(data, version);
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            tensors.put("w", new TensorData(Shape.of(data.length), data));
            SafeTensors.write(file, tensors, Map.of("version", Integer.toString(version)));
            System.out.println(version);
            System.out.flush();
        }
    }

    @Test
    void aKilledWriterLeavesACompleteCheckpointThatVerifies() throws Exception {
        Path file = dir.resolve("last.safetensors");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 3; round++) {
            Files.deleteIfExists(file);
            Path out = dir.resolve("out" + round + ".txt");
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    SafeTensorsKillTest.class.getName(), file.toString())
                    .redirectOutput(out.toFile()).redirectErrorStream(true).start();
            // Until a first version is on disk, then a random moment into later writes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(file) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(50 + random.nextInt(300));
            p.destroyForcibly(); // SIGKILL on Linux
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the writer ended");

            SafeTensorsFile read = SafeTensors.read(file);
            int version = Integer.parseInt(read.metadata().get("version"));
            float[] w = read.tensors().get("w").data();
            assertEquals(1 << 20, w.length);
            for (float v : w) {
                assertEquals(version, v, "every value belongs to version " + version);
            }
            // The writer reports each version after its rename; the kill may fall between the two.
            int reported = Files.readAllLines(out).stream().filter(l -> l.matches("\\d+")).mapToInt(Integer::parseInt)
                    .max().orElse(0);
            assertTrue(version >= 1 && version <= reported + 1, "version " + version + ", last reported " + reported);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    assertTrue(name.equals("last.safetensors") || name.startsWith("out") || name.endsWith(".tmp"),
                            "only the checkpoint, our logs and a temporary file: " + name);
                }
            }
        }
    }
}
