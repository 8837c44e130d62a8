package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --workers}: the loader's threads change nothing in the results, nor in a resume. */
class LoaderWorkersTest {
    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> train(Path data, Path runs, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--model", "lenet5",
                "--input-size", "20", "--batch-size", "8", "--seed", "5", "--augment", "resized-crop,flip",
                "--schedule", "constant", "--backend", "cpu", "--threads", "1", "--checkpoint-dir", runs.toString(),
                "--json"));
        args.addAll(List.of(more));
        CliRunner r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\n");
        return (Map<String, Object>) Json.parse(lines[lines.length - 1]);
    }

    @Test
    void oneTwoAndFourWorkersTrainTheSameRunAndResumeItExactly() throws IOException {
        // 16×16 grey PNGs read at 20×20: every sample is decoded, resized and cropped by the workers. A constant
        // rate, so that extending a one-epoch run to two is the two-epoch run.
        Path data = TinyData.imageFolder(tmp.resolve("images"), 3, 10);
        Map<String, Object> one = train(data, tmp.resolve("one"), "--epochs", "2", "--workers", "1");
        for (String workers : new String[] {"2", "4"}) {
            Map<String, Object> many = train(data, tmp.resolve("w" + workers), "--epochs", "2", "--workers", workers);
            assertEquals(one.get("train_loss"), many.get("train_loss"), workers + " workers");
            assertEquals(one.get("test_loss"), many.get("test_loss"), workers + " workers");
        }
        Map<String, Object> first = train(data, tmp.resolve("resumed"), "--epochs", "1", "--workers", "4");
        assertTrue(first.get("checkpoint") != null, first.toString());
        CliRunner r = CliRunner.run("train", "--resume", tmp.resolve("resumed/last.safetensors").toString(), "--epochs",
                "2", "--workers", "2", "--json");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> resumed = (Map<String, Object>) Json.parse(lines[lines.length - 1]);
        assertEquals(one.get("train_loss"), resumed.get("train_loss"), "resumed with other workers, bit for bit");
        assertEquals(one.get("test_loss"), resumed.get("test_loss"));
    }
}
