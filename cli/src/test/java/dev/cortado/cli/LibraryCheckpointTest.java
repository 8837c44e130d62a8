package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.data.AugmentationPipeline;
import dev.cortado.data.ImageFolderDataset;
import dev.cortado.data.Normalize;
import dev.cortado.data.SampleShape;
import dev.cortado.infer.Classifier;
import dev.cortado.infer.Prediction;
import dev.cortado.json.Json;
import dev.cortado.nn.Network;
import dev.cortado.nn.NetworkBuilder;
import dev.cortado.optim.OptimizerSpec;
import dev.cortado.optim.OptimizerType;
import dev.cortado.tensor.Shape;
import dev.cortado.train.Trainer;
import dev.cortado.train.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint trained through the library alone (no {@code cli.} metadata) works with the commands. */
class LibraryCheckpointTest {
    @TempDir
    Path dir;

    private Path trainThroughTheLibrary(Path data) throws Exception {
        Normalize norm = new Normalize(new float[] {0.4f}, new float[] {0.3f});
        Path file = dir.resolve("library.safetensors");
        try (Backend cpu = new CpuBackend(2);
             Network net = NetworkBuilder.input(Shape.of(1, 16, 16)).conv2d("conv1", 4, 3, 1, 1).relu("relu1")
                     .maxPool("pool1", 2, 2).dense("fc", 3).build(cpu, 1);
             Trainer t = Trainer.builder(net, ImageFolderDataset.open(data.resolve("train"), new SampleShape(1, 16, 16)))
                     .normalize(norm).trainTransform(AugmentationPipeline.of(norm))
                     .evalTransform(AugmentationPipeline.of(norm))
                     .config(TrainingConfig.builder().epochs(4).batchSize(8).seed(3)
                             .optimizer(OptimizerSpec.defaults(OptimizerType.ADAM).withLearningRate(0.01f)).build())
                     .build()) {
            t.fit();
            t.saveCheckpoint(file);
        }
        return file;
    }

    @Test
    void predictGivesTheClassifiersTopOneAndEvaluateScoresTheTestSplit() throws Exception {
        Path data = TinyData.imageFolder(dir.resolve("bands"), 3, 16);
        Path checkpoint = trainThroughTheLibrary(data);
        List<Path> pngs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(data.resolve("test"))) {
            s.filter(p -> p.toString().endsWith(".png")).sorted().forEach(pngs::add);
        }
        List<String> args = new ArrayList<>(List.of("predict", "--checkpoint", checkpoint.toString(), "--backend",
                "cpu", "--json"));
        pngs.forEach(p -> args.add(p.toString()));
        CliRunner r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        List<?> predicted = (List<?>) ((Map<?, ?>) Json.parse(r.out().strip())).get("predictions");

        List<Prediction> library;
        try (Backend cpu = new CpuBackend(2); Classifier c = Classifier.load(checkpoint, cpu)) {
            library = c.classifyFiles(pngs);
        }
        assertEquals(pngs.size(), predicted.size());
        for (int i = 0; i < pngs.size(); i++) {
            Map<?, ?> m = (Map<?, ?>) predicted.get(i);
            assertEquals(library.get(i).best().name(), m.get("class"), pngs.get(i).toString());
            assertEquals(library.get(i).best().probability(), ((Number) m.get("probability")).doubleValue(), 1e-6);
        }

        CliRunner eval = CliRunner.run("evaluate", "--checkpoint", checkpoint.toString(), "--data", data.toString(),
                "--backend", "cpu", "--json");
        assertEquals(0, eval.exitCode(), eval.err());
        Map<?, ?> m = (Map<?, ?>) Json.parse(eval.out().strip());
        assertEquals((long) pngs.size(), m.get("samples"));
        assertTrue(((Number) m.get("test_accuracy")).doubleValue() > 0.6, eval.out());
    }
}
