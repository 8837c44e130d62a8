package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cortado data pack}, training from a pack, and the errors of bad packs and images. */
class PackCommandTest {
    @TempDir
    Path tmp;

    private static void assertUsageError(CliRunner r, String... fragments) {
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "stderr should contain '" + f + "':\n" + r.err());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r.err());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(CliRunner r) {
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\n");
        return (Map<String, Object>) Json.parse(lines[lines.length - 1]);
    }

    private static String[] train(Path data, Path runs, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--epochs", "1",
                "--batch-size", "8", "--seed", "3", "--augment", "crop,flip", "--input-size", "16", "--backend", "cpu",
                "--threads", "1",
                "--checkpoint-dir", runs.toString(), "--json"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void aPackTrainsExactlyAsItsFolderAtTheSameSize() throws IOException {
        Path folder = TinyData.imageFolder(tmp.resolve("images"), 3, 12).resolve("train");
        Path pack = tmp.resolve("train.cpack");
        CliRunner packed = CliRunner.run("data", "pack", folder.toString(), "--size", "16", "--channels", "1", "--out",
                pack.toString(), "--workers", "2");
        assertEquals(0, packed.exitCode(), packed.err());
        assertTrue(packed.out().contains("36 images of 1×16×16 in 3 classes"), packed.out());
        assertTrue(packed.err().contains("packing 100% 36/36 images"), packed.err());
        assertEquals(0, CliRunner.run("data", "check", pack.toString()).exitCode());

        // The folder's PNGs are 16×16 grey: packing at that size stores their exact bytes, so the runs agree
        // bit for bit, whatever the worker counts.
        Map<String, Object> fromFolder = json(CliRunner.run(train(folder, tmp.resolve("a"), "--workers", "1")));
        Map<String, Object> fromPack = json(CliRunner.run(train(pack, tmp.resolve("b"), "--workers", "2")));
        assertEquals(fromFolder.get("train_loss"), fromPack.get("train_loss"));
        assertEquals(fromFolder.get("train_accuracy"), fromPack.get("train_accuracy"));
        // Crops and flips of exact bytes, normalized on the device: the same run again.
        Map<String, Object> asBytes = json(CliRunner.run(train(pack, tmp.resolve("c"), "--uint8-batches")));
        assertEquals(fromFolder.get("train_loss"), asBytes.get("train_loss"));
    }

    @Test
    void aPackOfLargerSamplesTrainsOnCropsAndEvaluatesOnCentreCrops() throws IOException {
        Path images = TinyData.imageFolder(tmp.resolve("images"), 3, 8);
        Path packs = tmp.resolve("packs");
        for (String split : new String[] {"train", "test"}) {
            assertEquals(0, CliRunner.run("data", "pack", images.resolve(split).toString(), "--size", "24", "--channels",
                    "1", "--out", packs.resolve(split + ".cpack").toString()).exitCode());
        }
        CliRunner trained = CliRunner.run("train", "--data", packs.toString(), "--input-size", "20", "--augment",
                "crop,flip", "--epochs", "1", "--batch-size", "8", "--backend", "cpu", "--threads", "1",
                "--checkpoint-dir", tmp.resolve("run").toString(), "--json");
        Map<String, Object> m = json(trained);
        assertTrue(((Number) m.get("test_accuracy")).doubleValue() >= 0, m.toString());
        CliRunner evaluated = CliRunner.run("evaluate", "--checkpoint", tmp.resolve("run/last.safetensors").toString(),
                "--data", packs.toString(), "--backend", "cpu", "--json");
        assertEquals(m.get("test_accuracy"), json(evaluated).get("test_accuracy"),
                "the same centre crops as the run's test");
        assertUsageError(CliRunner.run("train", "--data", packs.toString(), "--input-size", "28", "--epochs", "1",
                "--checkpoint-dir", tmp.resolve("run2").toString()), "fixed 24x24", "pack the images at a larger size");
    }

    @Test
    void cifarBinariesPackAtTheirSizeAndTrainAsTheyDo() throws IOException {
        List<String> classes = List.of("airplane", "automobile", "bird");
        Path cifar = TinyData.cifar10(tmp.resolve("cifar"), classes, classes, 4, 7);
        Path pack = tmp.resolve("cifar.cpack");
        assertUsageError(CliRunner.run("data", "pack", cifar.toString(), "--size", "24", "--out", pack.toString()),
                "fixed 32x32");
        assertEquals(0, CliRunner.run("data", "pack", cifar.toString(), "--out", pack.toString()).exitCode());
        String[] common = {"--model", "resnet20", "--epochs", "1", "--batch-size", "10", "--max-iterations", "2",
            "--seed", "3", "--augment", "crop,flip", "--backend", "cpu", "--threads", "1", "--json"};
        List<String> a = new java.util.ArrayList<>(List.of("train", "--data", cifar.toString(), "--checkpoint-dir",
                tmp.resolve("a").toString()));
        a.addAll(List.of(common));
        List<String> b = new java.util.ArrayList<>(List.of("train", "--data", pack.toString(), "--checkpoint-dir",
                tmp.resolve("b").toString()));
        b.addAll(List.of(common));
        assertEquals(json(CliRunner.run(a.toArray(String[]::new))).get("train_loss"),
                json(CliRunner.run(b.toArray(String[]::new))).get("train_loss"), "the same bytes, the same batches");
    }

    @Test
    void aFolderWithoutImagesIsAnError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty/cats"));
        Files.createDirectories(tmp.resolve("empty/dogs"));
        Files.writeString(empty.resolve("notes.txt"), "no images here");
        assertUsageError(CliRunner.run("data", "pack", tmp.resolve("empty").toString(), "--size", "8", "--out",
                tmp.resolve("x.cpack").toString()), tmp.resolve("empty").resolve("cats").toString(), "holds no images");
        assertFalse(Files.exists(tmp.resolve("x.cpack")));
    }

    @Test
    void anImageThatFailsToDecodeStopsThePackNamingIt() throws IOException {
        Path folder = TinyData.imageFolder(tmp.resolve("images"), 2, 6).resolve("train");
        Path victim = folder.resolve("class1/img3.png");
        byte[] png = Files.readAllBytes(victim);
        // The header (and so the size check) survives; the compressed pixels do not.
        Files.write(victim, Arrays.copyOf(png, png.length * 2 / 3));
        Path pack = tmp.resolve("train.cpack");
        assertUsageError(CliRunner.run("data", "pack", folder.toString(), "--size", "16", "--out", pack.toString(),
                "--workers", "2"), victim.toString());
        assertFalse(Files.exists(pack), "no pack is left by a failed packing");
        try (var left = Files.list(tmp)) {
            assertEquals(List.of("images"), left.map(p -> p.getFileName().toString()).toList(), "nor a temporary file");
        }
    }

    @Test
    void aTruncatedOrCorruptedPackIsAnErrorNamingTheFile() throws IOException {
        Path folder = TinyData.imageFolder(tmp.resolve("images"), 2, 6).resolve("train");
        Path pack = tmp.resolve("train.cpack");
        assertEquals(0, CliRunner.run("data", "pack", folder.toString(), "--size", "16", "--channels", "1", "--out",
                pack.toString()).exitCode());
        byte[] whole = Files.readAllBytes(pack);
        Files.write(pack, Arrays.copyOf(whole, whole.length - 7));
        assertUsageError(CliRunner.run(train(pack, tmp.resolve("a"))), pack + ": truncated");
        byte[] damaged = whole.clone();
        damaged[damaged.length - 5] ^= 1;
        Files.write(pack, damaged);
        assertUsageError(CliRunner.run("data", "check", pack.toString()), pack + ": sample 11 fails its checksum");
        assertUsageError(CliRunner.run(train(pack, tmp.resolve("b"))), pack + ": sample 11 fails its checksum");
    }

    @Test
    void aSplitFolderOrAnotherExtensionIsRefusedWithWhatToDo() throws IOException {
        Path images = TinyData.imageFolder(tmp.resolve("images"), 2, 4);
        assertUsageError(CliRunner.run("data", "pack", images.toString(), "--size", "16", "--out",
                tmp.resolve("x.cpack").toString()), "has a train/ split and a test/ split", "pack each");
        assertUsageError(CliRunner.run("data", "pack", images.resolve("train").toString(), "--size", "16", "--out",
                tmp.resolve("x.bin").toString()), "ends in .cpack");
    }
}
