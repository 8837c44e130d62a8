package dev.cortado.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs both examples as a user would, one after the other, and reads what they print. */
class ExamplesTest {
    @TempDir
    Path dir;

    @Test
    void trainThenClassifyThenFineTune() throws Exception {
        String trained = stdout(() -> TrainThenClassify.main(new String[] {dir.toString()}));
        assertTrue(Files.isRegularFile(dir.resolve("best.safetensors")), trained);
        assertTrue(trained.matches("(?s).*validation accuracy (9\\d|100)\\.\\d%.*"), trained);
        assertTrue(trained.matches("(?s).*\\n[78] of 8 right.*") || trained.contains("8 of 8 right"), trained);

        Path tuned = dir.resolve("tuned.safetensors");
        String fineTuned = stdout(() -> FineTune.main(new String[] {dir.resolve("best.safetensors").toString(),
                tuned.toString()}));
        assertTrue(Files.isRegularFile(tuned), fineTuned);
        assertTrue(fineTuned.contains("after fine-tuning"), fineTuned);
        assertTrue(fineTuned.contains("[top, bottom, left, right]"), fineTuned);
    }

    interface Program {
        void run() throws Exception;
    }

    private static String stdout(Program p) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            p.run();
        } finally {
            System.setOut(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
