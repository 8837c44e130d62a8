package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.checkpoint.SafeTensors;
import dev.cortado.checkpoint.SafeTensorsFile;
import dev.cortado.checkpoint.TensorData;
import dev.cortado.json.Json;
import dev.cortado.train.MetricsCsvLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training run's life through the real command: resumed, extended, finished, started again in
 * the same folder, failing; each case here gave a wrong result or lost work with exit 0 before.
 */
class RunLifecycleTest {
    @TempDir
    Path tmp;

    /** Non-default data, model overrides, input size, optimizer, rate, schedule, batch and seed. */
    private String[] run(Path data, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--model", "mlp",
                "--set", "hidden1=24", "--set", "hidden2=12", "--input-size", "12", "--optimizer", "momentum",
                "--lr", "0.05", "--schedule", "step", "--step-size", "1", "--gamma", "0.5", "--batch-size", "16",
                "--seed", "5", "--backend", "cpu", "--threads", "1"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void resumeAloneContinuesTheInterruptedRunBitForBit() throws IOException {
        Path data = TinyData.imageFolder(tmp.resolve("folder"), 3, 32);
        CliRunner straight = CliRunner.run(run(data, "--epochs", "2", "--checkpoint-dir", tmp.resolve("s").toString()));
        assertEquals(0, straight.exitCode(), straight.err());

        CliRunner first = CliRunner.run(run(data, "--epochs", "1", "--checkpoint-dir", tmp.resolve("r").toString()));
        assertEquals(0, first.exitCode(), first.err());
        // Nothing but the checkpoint and the new length: data, model, optimizer ... come from the checkpoint.
        CliRunner resumed = CliRunner.run("train", "--resume", tmp.resolve("r/last.safetensors").toString(),
                "--epochs", "2");
        assertEquals(0, resumed.exitCode(), resumed.err());

        assertSameTensors(tmp.resolve("s/last.safetensors"), tmp.resolve("r/last.safetensors"));
        assertEquals(2, MetricsCsvLog.read(tmp.resolve("r/metrics.csv")).size(), "one row per epoch of the whole run");
    }

    @Test
    void aFlagGivenWithResumeOverridesAndAnotherArchitectureIsRefused() throws IOException {
        Path data = TinyData.imageFolder(tmp.resolve("folder"), 3, 16);
        assertEquals(0, CliRunner.run(run(data, "--epochs", "1", "--checkpoint-dir", tmp.resolve("r").toString()))
                .exitCode());
        String checkpoint = tmp.resolve("r/last.safetensors").toString();
        CliRunner otherSize = CliRunner.run("train", "--resume", checkpoint, "--input-size", "14", "--epochs", "2");
        assertEquals(2, otherSize.exitCode(), otherSize.err());
        assertTrue(otherSize.err().contains("--input-size '14'") && otherSize.err().contains("'12'"), otherSize.err());

        CliRunner slower = CliRunner.run("train", "--resume", checkpoint, "--lr", "0.01", "--epochs", "2", "--json");
        assertEquals(0, slower.exitCode(), slower.err());
        Map<?, ?> saved = (Map<?, ?>) Json.parse(SafeTensors.read(Path.of(checkpoint)).metadata().get("cli.options"));
        assertEquals("0.01", saved.get("lr"), "the override is the run's setting from now on");
        assertEquals("12", saved.get("input-size"));
    }

    @Test
    void theLossIsARunSettingThatAResumeKeeps() throws IOException {
        Path data = TinyData.imageFolder(tmp.resolve("folder"), 3, 16);
        CliRunner first = CliRunner.run(run(data, "--loss", "bce", "--epochs", "1", "--checkpoint-dir",
                tmp.resolve("r").toString()));
        assertEquals(0, first.exitCode(), first.err());
        String checkpoint = tmp.resolve("r/last.safetensors").toString();
        CliRunner resumed = CliRunner.run("train", "--resume", checkpoint, "--epochs", "2");
        assertEquals(0, resumed.exitCode(), resumed.err());
        Map<?, ?> saved = (Map<?, ?>) Json.parse(SafeTensors.read(Path.of(checkpoint)).metadata().get("cli.options"));
        assertEquals("bce", saved.get("loss"));
    }

    @Test
    void theBestCheckpointAfterAResumeIsTheBestOfTheWholeRun() throws IOException {
        Path data = TinyData.imageFolder(tmp.resolve("folder"), 3, 32);
        assertEquals(0, CliRunner.run(run(data, "--epochs", "2", "--checkpoint-dir", tmp.resolve("r").toString()))
                .exitCode());
        // A rate far too high for the resumed epochs makes them worse than the first two.
        CliRunner resumed = CliRunner.run("train", "--resume", tmp.resolve("r/last.safetensors").toString(),
                "--epochs", "4", "--lr", "40");
        assertEquals(0, resumed.exitCode(), resumed.err());
        List<MetricsCsvLog.Row> rows = MetricsCsvLog.read(tmp.resolve("r/metrics.csv"));
        assertEquals(4, rows.size());
        double best = rows.stream().mapToDouble(MetricsCsvLog.Row::validationAccuracy).max().orElseThrow();
        double bestBeforeResume = Math.max(rows.get(0).validationAccuracy(), rows.get(1).validationAccuracy());
        assertTrue(best == bestBeforeResume, "the resumed epochs must be worse for this test to mean anything: " + rows);
        SafeTensorsFile bestFile = SafeTensors.read(tmp.resolve("r/best.safetensors"));
        int bestEpoch = Integer.parseInt(bestFile.metadata().get("cortado.epoch"));
        assertTrue(bestEpoch <= 2, "best.safetensors holds epoch " + bestEpoch + " of " + rows);
    }

    @Test
    void resumingAFinishedRunSaysThereIsNothingToDo() throws IOException {
        Path data = TinyData.imageFolder(tmp.resolve("folder"), 3, 16);
        assertEquals(0, CliRunner.run(run(data, "--epochs", "1", "--checkpoint-dir", tmp.resolve("r").toString()))
                .exitCode());
        CliRunner again = CliRunner.run("train", "--resume", tmp.resolve("r/last.safetensors").toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().contains("nothing to do: the run in") && again.err().contains("finished at epoch 1"),
                again.err());
        assertFalse(again.err().contains("NaN") || again.err().contains("null"), again.err());
    }

    @Test
    void aNewRunDoesNotOverwriteAnotherInItsFolderUnlessAskedTo() throws IOException {
        Path data = TinyData.idx(tmp.resolve("idx"), 100);
        Path dir = tmp.resolve("r");
        String[] args = {"train", "--data", data.toString(), "--epochs", "1", "--batch-size", "20", "--backend", "cpu",
            "--checkpoint-dir", dir.toString()};
        assertEquals(0, CliRunner.run(args).exitCode());
        byte[] before = Files.readAllBytes(dir.resolve("last.safetensors"));
        CliRunner second = CliRunner.run(args);
        assertEquals(2, second.exitCode());
        assertTrue(second.err().contains("already holds a run") && second.err().contains("--overwrite"), second.err());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("last.safetensors")));

        List<String> overwrite = new ArrayList<>(List.of(args));
        overwrite.add("--overwrite");
        assertEquals(0, CliRunner.run(overwrite.toArray(String[]::new)).exitCode());
        assertEquals(1, MetricsCsvLog.read(dir.resolve("metrics.csv")).size(), "the new run's epoch only");
    }

    @Test
    void theDefaultCosineAnnealsOverTheIterationsMaxIterationsAllows() throws IOException {
        Path data = TinyData.idx(tmp.resolve("idx"), 400);
        CliRunner r = CliRunner.run("train", "--data", data.toString(), "--epochs", "5", "--batch-size", "20",
                "--max-iterations", "10", "--lr", "0.001", "--backend", "cpu", "--checkpoint-dir",
                tmp.resolve("r").toString());
        assertEquals(0, r.exitCode(), r.err());
        // Iteration 10 of a 10-iteration cosine: 1e-3 · (1 + cos(π·9/10)) / 2 ≈ 2.4e-5.
        String lastRow = Files.readAllLines(tmp.resolve("r/metrics.csv")).get(1);
        double rate = Double.parseDouble(lastRow.split(",")[7]);
        assertEquals(1e-3 * (1 + Math.cos(Math.PI * 9 / 10)) / 2, rate, 1e-7, lastRow);
        assertTrue(r.err().contains("stopped at iteration 10 (--max-iterations)"), r.err());
        assertTrue(r.out().contains("0 epochs (10 iterations)"), r.out());
    }

    @Test
    void jsonReportsAFailedRunWithItsError() throws IOException {
        Path data = TinyData.idx(tmp.resolve("idx"), 100);
        CliRunner r = CliRunner.run("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "20",
                "--optimizer", "sgd", "--lr", "1e30", "--backend", "cpu", "--json", "--checkpoint-dir",
                tmp.resolve("r").toString());
        assertEquals(1, r.exitCode(), r.err());
        Map<?, ?> json = (Map<?, ?>) Json.parse(r.out().strip());
        assertTrue(String.valueOf(json.get("error")).contains("training failed"), r.out());
        assertEquals("lenet5", json.get("model"));

        CliRunner bad = CliRunner.run("train", "--data", tmp.resolve("nowhere").toString(), "--json");
        assertEquals(2, bad.exitCode());
        assertTrue(((Map<?, ?>) Json.parse(bad.out().strip())).get("error").toString().contains("nowhere"), bad.out());
    }

    @Test
    void theJsonOfATrainingWithHeldOutValidationReportsIt() throws IOException {
        Path data = TinyData.imageFolder(tmp.resolve("folder"), 3, 16);
        // A plain folder of class folders: no test split.
        CliRunner r = CliRunner.run(run(data.resolve("train"), "--epochs", "1", "--val-split", "0.25", "--json", "--checkpoint-dir",
                tmp.resolve("r").toString()));
        assertEquals(0, r.exitCode(), r.err());
        Map<?, ?> json = (Map<?, ?>) Json.parse(r.out().strip());
        assertTrue(json.get("validation_accuracy") instanceof Number, r.out());
        assertTrue(json.get("best_validation_accuracy") instanceof Number, r.out());
    }

    @Test
    void nonsenseSettingsAreRefusedWithTheFlagNamed() throws IOException {
        Path data = TinyData.idx(tmp.resolve("idx"), 100);
        Path folderWithoutTest = TinyData.imageFolder(tmp.resolve("folder"), 3, 8).resolve("train");
        Path aFile = Files.writeString(tmp.resolve("file.txt"), "x");
        String d = data.toString();
        assertRefused("--warmup", "train", "--data", d, "--warmup", "-1");
        assertRefused("--warmup 100000", "train", "--data", d, "--warmup", "100000", "--epochs", "1");
        assertRefused("--min-lr", "train", "--data", d, "--min-lr", "0.1", "--lr", "0.01");
        assertRefused("--input-size '5x'", "train", "--data", d, "--input-size", "5x");
        assertRefused("--init-weights", "train", "--data", d, "--resume", aFile.toString(), "--init-weights",
                aFile.toString());
        assertRefused("--early-stop", "train", "--data", folderWithoutTest.toString(), "--early-stop", "2");
        assertRefused("--validate-every", "train", "--data", folderWithoutTest.toString(), "--validate-every", "5");
        assertRefused("is a file", "train", "--data", d, "--checkpoint-dir", aFile.toString());
        assertRefused("--momentum 0", "train", "--data", d, "--optimizer", "momentum", "--momentum", "0");
        assertRefused("--momentum 0", "train", "--data", d, "--optimizer", "nesterov", "--momentum", "0");
    }

    @Test
    void anUnknownFlagIsOneLineWithTheLikelyIntendedOne() {
        CliRunner r = CliRunner.run("train", "--epoch", "3");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("unknown option '--epoch'") && r.err().contains("--epochs"), r.err());
    }

    private static void assertRefused(String named, String... args) {
        CliRunner r = CliRunner.run(args);
        assertEquals(2, r.exitCode(), String.join(" ", args) + ": " + r.err());
        assertTrue(r.err().contains(named), String.join(" ", args) + ": " + r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    private static void assertSameTensors(Path expected, Path actual) throws IOException {
        SafeTensorsFile a = SafeTensors.read(expected);
        SafeTensorsFile b = SafeTensors.read(actual);
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        for (Map.Entry<String, TensorData> e : a.tensors().entrySet()) {
            assertTrue(Arrays.equals(e.getValue().data(), b.tensors().get(e.getKey()).data()), e.getKey() + " differs");
        }
    }

    @Test
    void pathsInARecipeAreRelativeToTheRecipesFolderAndAMissingOneNamesTheRecipe() throws IOException {
        Path project = Files.createDirectories(tmp.resolve("project"));
        TinyData.idx(project.resolve("data"), 100);
        Files.writeString(project.resolve("small.yaml"), """
                model: small
                input: [1, 28, 28]
                vars: {classes: 10}
                layers:
                  - {type: flatten}
                  - {type: dense, name: out, units: $classes}
                """);
        Path recipe = Files.writeString(project.resolve("recipe.yaml"), "model: small.yaml\ndata: data\nepochs: 1\n"
                + "batch-size: 20\ncheckpoint-dir: run\n");
        CliRunner r = CliRunner.run("train", "--recipe", recipe.toString(), "--backend", "cpu");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.exists(project.resolve("run/last.safetensors")));

        Path broken = Files.writeString(project.resolve("broken.yaml"), "epochs: 1\nmodel: missing.yaml\n");
        CliRunner missing = CliRunner.run("train", "--recipe", broken.toString());
        assertEquals(2, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("broken.yaml:2:")
                && missing.err().contains("missing.yaml"), missing.err());
    }
}
