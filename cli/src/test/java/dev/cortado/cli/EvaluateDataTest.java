package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.checkpoint.CheckpointLayout;
import dev.cortado.checkpoint.SafeTensors;
import dev.cortado.checkpoint.SafeTensorsFile;
import dev.cortado.data.CifarDataset;
import dev.cortado.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate} scores a checkpoint against the classes it was trained on, whatever the layout and
 * label order of the data: one model, trained once on an image folder, evaluated on the same pictures
 * in other forms.
 */
class EvaluateDataTest {
    /** CIFAR-10's names, already in sorted order: the label order an image folder of them gets. */
    private static final List<String> CLASSES = CifarDataset.CIFAR10_CLASSES;
    private static final long TEST_SEED = 7;

    @TempDir
    static Path shared;
    private static Path folder;
    private static Path checkpoint;

    @BeforeAll
    static void trainOnAnImageFolder() throws IOException {
        assertEquals(CLASSES.stream().sorted().toList(), CLASSES);
        folder = shared.resolve("folder");
        TinyData.imageFolder(folder.resolve("train"), CLASSES, 8, 1);
        TinyData.imageFolder(folder.resolve("test"), CLASSES, 3, TEST_SEED);
        Path model = TinyData.linearRgbModel(shared.resolve("linear-rgb.yaml"));
        CliRunner r = CliRunner.run("train", "--model", model.toString(), "--data", folder.toString(), "--epochs", "3",
                "--batch-size", "10", "--lr", "0.01", "--backend", "cpu", "--checkpoint-dir",
                shared.resolve("run").toString());
        assertEquals(0, r.exitCode(), r.err());
        checkpoint = shared.resolve("run/last.safetensors");
    }

    private static CliRunner evaluate(Path data, String... more) {
        List<String> args = new ArrayList<>(List.of("evaluate", "--checkpoint", checkpoint.toString(), "--data",
                data.toString(), "--backend", "cpu"));
        args.addAll(Arrays.asList(more));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(CliRunner r) {
        assertEquals(0, r.exitCode(), r.err());
        return (Map<String, Object>) Json.parse(r.out().strip());
    }

    private static void assertUsageError(CliRunner r, String... fragments) {
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "stderr should contain '" + f + "':\n" + r.err());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose:\n" + r.err());
    }

    /**
     * Before the trainer recorded the architecture, {@code cortado train} alone wrote the input shape,
     * normalization and class names, under {@code cli.} keys; such a checkpoint still evaluates, with
     * the same scores.
     */
    @Test
    void aCheckpointWithOnlyTheOlderCliKeysEvaluatesTheSame() throws IOException {
        SafeTensorsFile f = SafeTensors.read(checkpoint);
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        Map<?, ?> network = (Map<?, ?>) Json.parse(meta.remove(CheckpointLayout.NETWORK_KEY));
        meta.put(CheckpointModel.INPUT, Json.write(network.get("input")));
        meta.put(CheckpointModel.NORMALIZE, meta.remove(CheckpointLayout.NORMALIZE_KEY));
        meta.put(CheckpointModel.CLASS_NAMES, meta.remove(CheckpointLayout.CLASS_NAMES_KEY));
        Path old = shared.resolve("old-cli.safetensors");
        SafeTensors.write(old, f.tensors(), meta);
        Path test = folder.resolve("test");
        Map<String, Object> now = json(evaluate(test, "--json"));
        Map<String, Object> before = json(CliRunner.run("evaluate", "--checkpoint", old.toString(), "--data",
                test.toString(), "--backend", "cpu", "--json"));
        assertEquals(now.get("test_accuracy"), before.get("test_accuracy"));
        assertEquals(now.get("test_loss"), before.get("test_loss"));
    }

    @Test
    void cifarBinariesInAnotherLabelOrderScoreLikeTheImageFolder() throws IOException {
        Map<String, Object> onFolder = json(evaluate(folder, "--json"));
        assertTrue(((Number) onFolder.get("test_accuracy")).doubleValue() >= 0.8,
                "the model must have learned the bands for this test to mean anything: " + onFolder);
        List<String> reversed = new ArrayList<>(CLASSES);
        Collections.reverse(reversed);
        Path cifar = TinyData.cifar10(shared.resolve("cifar-reversed"), CLASSES, reversed, 3, TEST_SEED);
        Map<String, Object> onCifar = json(evaluate(cifar, "--json"));
        assertEquals(onFolder.get("samples"), onCifar.get("samples"));
        assertEquals(onFolder.get("test_accuracy"), onCifar.get("test_accuracy"));
        assertEquals(onFolder.get("per_class_accuracy"), onCifar.get("per_class_accuracy"));
        assertEquals(onFolder.get("confusion"), onCifar.get("confusion"));
        // The same pixels in the same order through the same network: the loss agrees to float rounding.
        assertEquals(((Number) onFolder.get("test_loss")).doubleValue(),
                ((Number) onCifar.get("test_loss")).doubleValue(), 1e-6);
    }

    @Test
    void cifarBinariesOfOtherClassesAreRefused() throws IOException {
        List<String> other = new ArrayList<>(CLASSES);
        other.set(0, "aeroplane");
        Path cifar = TinyData.cifar10(shared.resolve("cifar-other"), CLASSES, other, 1, TEST_SEED);
        assertUsageError(evaluate(cifar), "aeroplane", "airplane");
    }

    @Test
    void aPlainFolderOfClassSubfoldersIsEvaluatedWhole() throws IOException {
        Path plain = TinyData.imageFolder(shared.resolve("plain"), CLASSES, 2, 11);
        assertEquals(20L, json(evaluate(plain, "--json")).get("samples"));
    }

    @Test
    void theTrainingFolderItselfIsEvaluatedWithAWarning() throws IOException {
        // Trained on a plain folder, evaluated without --data: the only images are the training images.
        Path plain = TinyData.imageFolder(shared.resolve("plain-train"), CLASSES, 1, 17);
        Path run = shared.resolve("plain-run");
        CliRunner trained = CliRunner.run("train", "--model", TinyData.linearRgbModel(shared.resolve("p.yaml")).toString(),
                "--data", plain.toString(), "--epochs", "1", "--backend", "cpu", "--checkpoint-dir", run.toString());
        assertEquals(0, trained.exitCode(), trained.err());
        try (LogCapture log = new LogCapture()) {
            CliRunner r = CliRunner.run("evaluate", "--checkpoint", run.resolve("last.safetensors").toString(),
                    "--backend", "cpu");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(log.text().contains("WARN") && log.text().contains("training images"), log.text());
        }
    }

    @Test
    void aFolderWithOnlyATestSplitIsEvaluatedOnIt() throws IOException {
        Path onlyTest = shared.resolve("only-test");
        TinyData.imageFolder(onlyTest.resolve("test"), CLASSES, 2, 11);
        assertEquals(20L, json(evaluate(onlyTest, "--json")).get("samples"));
    }

    @Test
    void aFolderWithOnlyATrainSplitSaysWhatToPass() throws IOException {
        Path onlyTrain = shared.resolve("only-train");
        TinyData.imageFolder(onlyTrain.resolve("train"), CLASSES, 1, 11);
        assertUsageError(evaluate(onlyTrain), onlyTrain.toString(), "test/", onlyTrain.resolve("train").toString());
    }

    @Test
    void aClassAbsentFromTheTestSetIsNotApplicableRatherThanNaN() throws IOException {
        Path partial = shared.resolve("partial");
        TinyData.imageFolder(partial.resolve("train"), CLASSES, 1, 11);
        TinyData.imageFolder(partial.resolve("test"), CLASSES.subList(0, 9), 2, 13);
        CliRunner text = evaluate(partial);
        assertEquals(0, text.exitCode(), text.err());
        assertFalse(text.out().contains("NaN"), text.out());
        String truck = text.out().lines().filter(l -> l.startsWith("truck ")).findFirst().orElseThrow();
        assertTrue(truck.contains("n/a"), truck);
        @SuppressWarnings("unchecked")
        Map<String, Object> perClass = (Map<String, Object>) json(evaluate(partial, "--json")).get("per_class_accuracy");
        assertTrue(perClass.containsKey("truck"), perClass.toString());
        assertNull(perClass.get("truck"), "JSON has no NaN: an absent class's accuracy is null");
    }

    @Test
    void dataWithoutClassNamesIsTakenInTheModelsOrderWithAWarning() throws IOException {
        // A grey model trained on the named folder, evaluated on IDX files, whose classes are numerals.
        Path run = shared.resolve("mlp-run");
        CliRunner trained = CliRunner.run("train", "--model", "mlp", "--data", folder.toString(), "--epochs", "1",
                "--batch-size", "20", "--backend", "cpu", "--checkpoint-dir", run.toString());
        assertEquals(0, trained.exitCode(), trained.err());
        Path idx = TinyData.idx(shared.resolve("idx"), 40);
        try (LogCapture log = new LogCapture()) {
            CliRunner r = CliRunner.run("evaluate", "--checkpoint", run.resolve("last.safetensors").toString(),
                    "--data", idx.toString(), "--backend", "cpu");
            assertEquals(0, r.exitCode(), r.err());
            String warning = log.text().lines().filter(l -> l.startsWith("WARN")).findFirst().orElse("");
            assertTrue(warning.contains("no class names") && warning.contains("airplane"), log.text());
        }
    }

    @Test
    void predictNamesTheImageItCannotDecode() throws IOException {
        Path good = folder.resolve("test/cat/0.png");
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = shared.resolve("truncated.png");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        CliRunner r = CliRunner.run("predict", "--checkpoint", checkpoint.toString(), "--backend", "cpu",
                good.toString(), truncated.toString());
        assertUsageError(r, truncated.toString());
        assertEquals("", r.out());
    }
}
