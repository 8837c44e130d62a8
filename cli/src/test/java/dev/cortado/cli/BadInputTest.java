package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.cortado.backend.Backends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each bad input exits with code 2 and one message on stderr that says what is wrong and where, with
 * no stack trace, and nothing on stdout.
 */
class BadInputTest {
    @TempDir
    Path tmp;

    private static void assertUsageError(CliRunner r, String... fragments) {
        r.assertUsageError(fragments);
        assertEquals("", r.out());
    }

    private Path tinyIdx() throws IOException {
        return TinyData.idx(tmp.resolve("idx"), 40);
    }

    @Test
    void truncatedIdxFile() throws IOException {
        Path dir = tinyIdx();
        Path images = dir.resolve("train-images-idx3-ubyte");
        byte[] bytes = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(bytes, bytes.length / 2));
        CliRunner r = CliRunner.run("train", "--data", dir.toString(), "--epochs", "1", "--checkpoint-dir",
                tmp.resolve("run").toString());
        assertUsageError(r, "train-images-idx3-ubyte");
    }

    @Test
    void configWithUnknownKey() throws IOException {
        Path config = tmp.resolve("net.yaml");
        Files.writeString(config, """
                input: [1, 28, 28]
                layers:
                  - {type: flatten, name: flat}
                  - {type: dense, name: fc, unitz: 10}
                """);
        CliRunner r = CliRunner.run("summary", "--model", config.toString());
        assertUsageError(r, config + ":4:", "unitz");
    }

    @Test
    void configWithWrongType() throws IOException {
        Path config = tmp.resolve("net.yaml");
        Files.writeString(config, """
                input: [1, 28, 28]
                layers:
                  - {type: flatten, name: flat}
                  - {type: dense, name: fc, units: ten}
                """);
        CliRunner r = CliRunner.run("train", "--model", config.toString(), "--data", tinyIdx().toString());
        assertUsageError(r, config + ":4:", "units");
    }

    @Test
    void unknownModelName() {
        assertUsageError(CliRunner.run("summary", "--model", "resnet21"), "resnet21", "resnet20");
    }

    @Test
    void negativeLearningRate() throws IOException {
        assertUsageError(CliRunner.run("train", "--data", tinyIdx().toString(), "--lr", "-0.01"), "--lr", "-0.01");
    }

    @Test
    void unknownLossNamesTheThree() throws IOException {
        assertUsageError(CliRunner.run("train", "--data", tinyIdx().toString(), "--loss", "hinge"), "--loss 'hinge'",
                "cross-entropy, bce or mse");
        assertUsageError(CliRunner.run("train", "--data", tinyIdx().toString(), "--loss", "mse", "--label-smoothing",
                "0.1"), "--label-smoothing applies to --loss cross-entropy only");
    }

    @Test
    void unknownFlagSuggestsTheRightOne() {
        assertUsageError(CliRunner.run("train", "--epohcs", "3"), "--epohcs", "--epochs");
    }

    @Test
    void flagOfTheWrongType() {
        assertUsageError(CliRunner.run("train", "--epochs", "three"), "--epochs", "three");
    }

    @Test
    void missingDataDirectory() {
        assertUsageError(CliRunner.run("train", "--data", tmp.resolve("nothing").toString()), "nothing",
                "no such dataset directory");
    }

    @Test
    void recipeWithUnknownKey() throws IOException {
        Path recipe = tmp.resolve("recipe.yaml");
        Files.writeString(recipe, "# a recipe\nepochs: 1\nlearning-rate: 0.1\n");
        assertUsageError(CliRunner.run("train", "--recipe", recipe.toString()), recipe + ":3:", "learning-rate");
    }

    @Test
    void recipeWithWrongType() throws IOException {
        Path recipe = tmp.resolve("recipe.yaml");
        Files.writeString(recipe, "epochs: many\n");
        assertUsageError(CliRunner.run("train", "--recipe", recipe.toString()), recipe + ":1:", "epochs",
                "whole number");
    }

    @Test
    void checkpointOfAnotherModel() throws IOException {
        Path data = tinyIdx();
        Path run = tmp.resolve("mlp-run");
        CliRunner trained = CliRunner.run("train", "--model", "mlp", "--data", data.toString(), "--epochs", "1",
                "--batch-size", "20", "--backend", "cpu", "--checkpoint-dir", run.toString());
        assertEquals(0, trained.exitCode(), trained.err());
        CliRunner r = CliRunner.run("train", "--model", "lenet5", "--data", data.toString(), "--epochs", "2",
                "--backend", "cpu", "--resume", run.resolve("last.safetensors").toString(), "--checkpoint-dir",
                tmp.resolve("other").toString());
        assertUsageError(r, "last.safetensors", "'mlp'", "'lenet5'");
        CliRunner init = CliRunner.run("train", "--model", "lenet5", "--data", data.toString(), "--epochs", "1",
                "--backend", "cpu", "--init-weights", run.resolve("last.safetensors").toString(), "--checkpoint-dir",
                tmp.resolve("other").toString());
        assertUsageError(init, "last.safetensors", "conv1.weight");
    }

    @Test
    void modelWhoseChannelsDoNotFitTheData() throws IOException {
        assertUsageError(CliRunner.run("train", "--model", "resnet20", "--data", tinyIdx().toString()),
                "3-channel", "1-channel");
    }

    @Test
    void cudaOnAMachineWithoutAGpu() throws IOException {
        assumeFalse(Backends.deviceReport().available(), "this machine has a working GPU");
        CliRunner r = CliRunner.run("train", "--data", tinyIdx().toString(), "--backend", "cuda");
        assertUsageError(r, "--backend cuda", Backends.deviceReport().reason());
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRunner r = CliRunner.run("summary", "--model", "resnet21", "--verbose");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().contains("\tat "), r.err());
    }
}
