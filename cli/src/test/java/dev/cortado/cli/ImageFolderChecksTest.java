package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image folders that cannot make a classifier (one class, an empty class folder) and image files that
 * cannot be read are found when the data is opened or checked, not when their batch comes up.
 */
class ImageFolderChecksTest {
    @TempDir
    Path tmp;

    private static void assertUsageError(CliRunner r, String... fragments) {
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "stderr should contain '" + f + "':\n" + r.err());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose:\n" + r.err());
        assertEquals("", r.out());
    }

    private CliRunner train(Path data) {
        return CliRunner.run("train", "--model", "mlp", "--data", data.toString(), "--epochs", "1", "--batch-size", "10",
                "--backend", "cpu", "--checkpoint-dir", tmp.resolve("run").toString());
    }

    /** Two good images in each of the classes a, b and c, a header that is text, and a PNG cut in half. */
    private Path folderWithBadFiles() throws IOException {
        Path dir = TinyData.imageFolder(tmp.resolve("images"), List.of("a", "b", "c"), 2, 1);
        Files.writeString(dir.resolve("b/notes.png"), "not an image\n", StandardCharsets.UTF_8);
        byte[] png = Files.readAllBytes(dir.resolve("c/0.png"));
        Files.write(dir.resolve("c/cut.png"), Arrays.copyOf(png, png.length / 2));
        return dir;
    }

    @Test
    void aSingleClassFolderIsRefused() throws IOException {
        Path dir = TinyData.imageFolder(tmp.resolve("one"), List.of("cat"), 4, 1);
        assertUsageError(train(dir), dir.toString(), "'cat'", "two classes");
    }

    @Test
    void anEmptyClassFolderIsRefused() throws IOException {
        Path dir = TinyData.imageFolder(tmp.resolve("gap"), List.of("a", "b"), 4, 1);
        Files.createDirectories(dir.resolve("c"));
        assertUsageError(train(dir), dir.resolve("c").toString(), "no images");
    }

    @Test
    void dataCheckOfAGoodFolderPrintsOneLine() throws IOException {
        Path dir = TinyData.imageFolder(tmp.resolve("good"), List.of("a", "b"), 3, 1);
        CliRunner r = CliRunner.run("data", "check", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(1, lines.size(), r.out());
        assertTrue(lines.get(0).contains("6 images") && lines.get(0).contains("0 bad"), lines.get(0));
    }

    @Test
    void dataCheckListsEachBadFileAndFullDecodingFindsTruncatedOnes() throws IOException {
        Path dir = folderWithBadFiles();
        CliRunner headers = CliRunner.run("data", "check", dir.toString());
        assertEquals(ExitCodes.USAGE, headers.exitCode(), headers.out() + headers.err());
        assertTrue(headers.out().contains(dir.resolve("b/notes.png").toString()), headers.out());
        assertFalse(headers.out().contains("cut.png"), "the header of a truncated PNG is intact:\n" + headers.out());
        assertTrue(headers.out().contains("8 images") && headers.out().contains("1 bad"), headers.out());

        CliRunner full = CliRunner.run("data", "check", "--full", dir.toString());
        assertEquals(ExitCodes.USAGE, full.exitCode(), full.out() + full.err());
        assertTrue(full.out().contains(dir.resolve("b/notes.png").toString()), full.out());
        assertTrue(full.out().contains(dir.resolve("c/cut.png").toString()), full.out());
        assertTrue(full.out().contains("2 bad"), full.out());
        assertFalse(full.out().contains("\tat "), full.out());
    }

    @Test
    void trainChecksTheImageHeadersBeforeTraining() throws IOException {
        Path dir = folderWithBadFiles();
        assertUsageError(train(dir), dir.resolve("b/notes.png").toString(), "cortado data check");
        assertFalse(Files.exists(tmp.resolve("run/last.safetensors")));
    }
}
