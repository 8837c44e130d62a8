package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that used to fail late or with a message that names nothing: binary files given as configs,
 * a download without network, a model whose output does not fit the loss, a momentum of zero.
 */
class ClearErrorsTest {
    @TempDir
    Path tmp;

    private static void assertUsageError(CliRunner r, String... fragments) {
        r.assertUsageError(fragments);
        assertEquals("", r.out());
    }

    /** The first bytes of a safetensors checkpoint: a little-endian length, then JSON, then float data. */
    private Path binaryFile() throws IOException {
        Path file = tmp.resolve("weights.safetensors");
        Files.write(file, new byte[] {0x20, 0, 0, 0, 0, 0, 0, 0, '{', '"', 'a', '"', ':', '1', '}', (byte) 0xC3,
                (byte) 0x28, (byte) 0xFF, 0x3F, (byte) 0x80});
        return file;
    }

    @Test
    void aBinaryModelFileIsNotATextConfig() throws IOException {
        Path file = binaryFile();
        CliRunner r = CliRunner.run("summary", "--model", file.toString());
        assertUsageError(r, file.toString(), "not a UTF-8 text", "YAML");
        assertFalse(r.err().contains("Input length"), r.err());
    }

    @Test
    void aModelFileWithControlCharactersIsNotATextConfig() throws IOException {
        // Valid UTF-8, but NUL bytes: YAML forbids them, and no text editor wrote this file.
        Path file = tmp.resolve("zeros.yaml");
        Files.write(file, new byte[] {'i', 'n', 0, 0, 1, 2});
        assertUsageError(CliRunner.run("summary", "--model", file.toString()), file.toString(), "not a UTF-8 text");
    }

    @Test
    void aBinaryRecipeIsNotATextConfig() throws IOException {
        Path file = binaryFile();
        CliRunner r = CliRunner.run("train", "--recipe", file.toString());
        assertUsageError(r, file.toString(), "not a UTF-8 text", "recipe");
    }

    @Test
    void aDownloadWithoutNetworkSaysSoInOneLine() {
        try (LogCapture log = new LogCapture()) {
            // Port 9 (discard) on the loopback address: refused at once, like a host that cannot be reached.
            CliRunner r = CliRunner.run("data", "download", "fashion-mnist", "--dir", tmp.resolve("fm").toString(),
                    "--mirror", "http://127.0.0.1:9/");
            assertUsageError(r, "train-images-idx3-ubyte.gz", "127.0.0.1:9", "could not be reached", "--mirror");
            assertEquals(1, r.err().strip().lines().count(), "one line:\n" + r.err());
            assertFalse(r.err().contains("null"), r.err());
            assertFalse(log.text().contains("WARN"), "no warning repeating the error:\n" + log.text());
        }
    }

    @Test
    void aConvolutionalHeadWithoutFlattenIsRefusedBeforeTraining() throws IOException {
        Path config = tmp.resolve("conv-head.yaml");
        Files.writeString(config, """
                input: [1, 28, 28]
                layers:
                  - {type: conv, name: features, out: 4, kernel: 3, padding: 1}
                  - {type: relu, name: relu}
                  - {type: conv, name: head, out: 10, kernel: 28}
                """);
        CliRunner r = CliRunner.run("train", "--model", config.toString(), "--data",
                TinyData.idx(tmp.resolve("idx"), 40).toString(), "--epochs", "1", "--backend", "cpu",
                "--checkpoint-dir", tmp.resolve("run").toString());
        assertUsageError(r, "'head'", "[10, 1, 1]", "flatten");
        try (LogCapture log = new LogCapture()) {
            CliRunner summary = CliRunner.run("summary", "--model", config.toString());
            assertEquals(0, summary.exitCode(), summary.err());
            assertTrue(log.text().contains("WARN") && log.text().contains("'head'"), log.text());
        }
    }

    @Test
    void aHeadOfTheWrongWidthNamesTheLayerToFix() throws IOException {
        Path config = tmp.resolve("seven.yaml");
        Files.writeString(config, """
                input: [1, 28, 28]
                layers:
                  - {type: flatten, name: flat}
                  - {type: dense, name: fc, units: 7}
                """);
        CliRunner r = CliRunner.run("train", "--model", config.toString(), "--data",
                TinyData.idx(tmp.resolve("idx"), 40).toString(), "--epochs", "1", "--backend", "cpu",
                "--checkpoint-dir", tmp.resolve("run").toString());
        assertUsageError(r, "'fc'", "7", "10 classes");
    }

    @Test
    void momentumZeroIsNotQuietlyNinetyPercent() throws IOException {
        CliRunner r = CliRunner.run("train", "--data", TinyData.idx(tmp.resolve("idx"), 40).toString(), "--model",
                "mlp", "--optimizer", "momentum", "--momentum", "0", "--epochs", "1", "--backend", "cpu",
                "--checkpoint-dir", tmp.resolve("run").toString());
        assertUsageError(r, "momentum", "0", "sgd");
    }

    @Test
    void multistepMilestonesCountFromTheStartOfTrainingNotFromTheEndOfWarmup() throws IOException {
        Path run = tmp.resolve("run");
        CliRunner r = CliRunner.run("train", "--data", TinyData.idx(tmp.resolve("idx"), 40).toString(), "--model",
                "mlp", "--optimizer", "sgd", "--lr", "0.1", "--schedule", "multistep", "--milestones", "1,3",
                "--warmup", "1", "--schedule-unit", "epoch", "--epochs", "5", "--batch-size", "20", "--backend", "cpu",
                "--checkpoint-dir", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        int column = List.of(rows.get(0).split(",")).indexOf("learning_rate");
        double[] expected = {0.1 / 3, 0.01, 0.01, 0.001, 0.001};
        for (int epoch = 0; epoch < expected.length; epoch++) {
            double lr = Double.parseDouble(rows.get(epoch + 1).split(",")[column]);
            // metrics.csv prints six significant digits.
            assertEquals(expected[epoch], lr, 1e-6 * expected[epoch], "epoch " + epoch + " of " + rows);
        }
    }

    @Test
    void vgg11BnIsCalledVgg11Bn() {
        CliRunner r = CliRunner.run("summary", "--model", "vgg11-bn", "--input-size", "32", "--classes", "10", "--json");
        assertEquals(0, r.exitCode(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(r.out().strip());
        assertEquals("vgg11-bn", m.get("model"));
    }
}
