package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cortado train} with no {@code --data}, or a dataset's name, on a machine without the
 * dataset: it is downloaded into the cache (here from a server on 127.0.0.1), trained on, and found
 * there by the next run; a corrupted or impossible download stops in one line with exit 2. The
 * system properties of {@link DatasetLocator} point the Debian location at an empty folder, the
 * cache into the test's folder and the download at the loopback server.
 */
class DatasetFetchTest {
    private static final List<String> IDX_FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
    private static final List<String> PROPERTIES = List.of("cortado.data", "cortado.data.cache",
            "cortado.data.system", "cortado.data.mirror", "cortado.data.noDownload", "cortado.data.checksums");

    @TempDir
    Path tmp;
    private LoopbackFiles server;
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void pointTheLocatorHere() throws IOException {
        server = new LoopbackFiles();
        PROPERTIES.forEach(p -> saved.put(p, System.getProperty(p)));
        System.setProperty("cortado.data", "");
        System.setProperty("cortado.data.cache", tmp.resolve("cache").toString());
        System.setProperty("cortado.data.system", tmp.resolve("system").toString());
        System.setProperty("cortado.data.mirror", server.base());
        System.setProperty("cortado.data.noDownload", "");
    }

    @AfterEach
    void restore() {
        server.close();
        saved.forEach((p, v) -> {
            if (v == null) {
                System.clearProperty(p);
            } else {
                System.setProperty(p, v);
            }
        });
    }

    private Path cache(String name) {
        return tmp.resolve("cache").resolve(name).toAbsolutePath();
    }

    private String[] train(String run, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--epochs", "1", "--max-iterations", "3",
                "--batch-size", "16", "--backend", "cpu", "--checkpoint-dir", tmp.resolve(run).toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static List<Path> entries(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).toList();
        }
    }

    /** The command failed with exit 2 and one line on stderr, its last, that holds each of {@code parts}. */
    private static void assertOneLineError(CliRunner r, String... parts) {
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
        String[] lines = r.err().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("cortado train: "), r.err());
        for (String part : parts) {
            assertTrue(last.contains(part), "'" + part + "' in: " + last);
        }
    }

    /**
     * Serves a small IDX dataset, gzipped, as fashion-mnist's four files, and lets their checksums
     * stand in for the published ones (which only the real files have).
     */
    private void serveTinyFashionMnist() throws Exception {
        Path raw = TinyData.idx(tmp.resolve("raw"), 40);
        StringBuilder checksums = new StringBuilder();
        for (String f : IDX_FILES) {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(Files.readAllBytes(raw.resolve(f.replace(".gz", ""))));
            }
            server.put("fashion-mnist/" + f, gz.toByteArray());
            checksums.append("fashion-mnist/").append(f).append(' ').append(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(gz.toByteArray()))).append('\n');
        }
        System.setProperty("cortado.data.checksums", Files.writeString(tmp.resolve("sha256"), checksums).toString());
    }

    @Test
    void theFirstRunDownloadsIntoTheCacheAndTrainsTheSecondMakesNoRequest() throws Exception {
        serveTinyFashionMnist();
        CliRunner first = CliRunner.run(train("first"));
        assertEquals(0, first.exitCode(), first.err());
        assertEquals(4, server.requests());
        assertTrue(first.err().contains("train-images-idx3-ubyte.gz 0.0 MB in "), first.err());
        assertEquals(Stream.concat(Stream.of(cache("fashion-mnist")),
                        IDX_FILES.stream().map(f -> cache("fashion-mnist").resolve(f))).sorted().toList(),
                entries(tmp.resolve("cache")).stream().map(Path::toAbsolutePath).sorted().toList(),
                "the dataset's files and nothing else: no staging folder, no partial file");
        // The checkpoint records where the data was, so that --resume and evaluate find it again.
        assertEquals(cache("fashion-mnist").toString(),
                SavedRunOptions.read(tmp.resolve("first/last.safetensors")).text("data"));

        CliRunner second = CliRunner.run(train("second"));
        assertEquals(0, second.exitCode(), second.err());
        assertEquals(4, server.requests(), "the second run trains from the cache");
        CliRunner resumed = CliRunner.run("train", "--resume", tmp.resolve("second/last.safetensors").toString(),
                "--max-iterations", "4");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(4, server.requests());
    }

    @Test
    void aCachedDatasetIsUsedByNameAndByDefaultWithoutARequest() throws Exception {
        TinyData.idx(cache("fashion-mnist"), 40);
        TinyData.idx(cache("mnist"), 40);
        CliRunner byDefault = CliRunner.run(train("default", "--model", "mlp"));
        assertEquals(0, byDefault.exitCode(), byDefault.err());
        assertEquals(cache("fashion-mnist").toString(),
                SavedRunOptions.read(tmp.resolve("default/last.safetensors")).text("data"));
        CliRunner mnist = CliRunner.run(train("mnist", "--model", "mlp", "--data", "mnist"));
        assertEquals(0, mnist.exitCode(), mnist.err());
        assertEquals(cache("mnist").toString(), SavedRunOptions.read(tmp.resolve("mnist/last.safetensors")).text("data"));

        CliRunner evaluate = CliRunner.run("evaluate", "--checkpoint", tmp.resolve("mnist/last.safetensors").toString(),
                "--data", "fashion-mnist", "--backend", "cpu");
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        assertTrue(evaluate.out().startsWith("fashion-mnist test: 10 images"), evaluate.out());
        assertEquals(0, server.requests());
    }

    @Test
    void cifar10ByNameFromTheCacheAndARecipeMayNameItsData() throws Exception {
        List<String> classes = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                "truck");
        TinyData.cifar10(cache("cifar10").resolve("cifar-10-batches-bin"), classes, classes, 2, 7);
        Path recipe = Files.writeString(tmp.resolve("r.yaml"), "data: cifar10\nmodel: "
                + TinyData.linearRgbModel(tmp.resolve("linear.yaml")) + "\n");
        CliRunner r = CliRunner.run(train("cifar", "--recipe", recipe.toString()));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(cache("cifar10").toString(), SavedRunOptions.read(tmp.resolve("cifar/last.safetensors")).text("data"));
        assertEquals(0, server.requests());
    }

    @Test
    void aCorruptedDownloadLeavesNothingInTheCacheAndExits2() throws Exception {
        for (String f : IDX_FILES) {
            server.put("fashion-mnist/" + f, new byte[] {31, -117, 8, 0});
        }
        CliRunner r = CliRunner.run(train("run"));
        assertOneLineError(r, "Fashion-MNIST is neither in", "train-images-idx3-ubyte.gz: SHA-256 mismatch",
                "apt-get install dataset-fashion-mnist", "cortado data download fashion-mnist", "--data DIR");
        assertEquals(List.of(), entries(tmp.resolve("cache")));
    }

    @Test
    void offlineTheErrorNamesTheThreeWaysOutWithinSeconds() throws Exception {
        System.setProperty("cortado.data.mirror", LoopbackFiles.nothingListening());
        long start = System.nanoTime();
        CliRunner r = CliRunner.run(train("run"));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertOneLineError(r, "could not be reached", "apt-get install dataset-fashion-mnist",
                "'cortado data download fashion-mnist'", "--data DIR");
        assertTrue(seconds < DatasetDownloader.CONNECT_TIMEOUT.toSeconds(), seconds + " s");
        assertEquals(List.of(), entries(tmp.resolve("cache")));
    }

    @Test
    void noDownloadFromTheFlagTheVariableOrARecipe() throws Exception {
        assertOneLineError(CliRunner.run(train("a", "--no-download")), "downloading is off (--no-download)",
                "apt-get install dataset-fashion-mnist");
        Path recipe = Files.writeString(tmp.resolve("r.yaml"), "no-download: true\n");
        assertOneLineError(CliRunner.run(train("b", "--recipe", recipe.toString())), "downloading is off (--no-download)");
        System.setProperty("cortado.data.noDownload", "1");
        assertOneLineError(CliRunner.run(train("c", "--data", "mnist")), "MNIST is not in the dataset cache "
                + cache("mnist"), "downloading is off (CORTADO_NO_DOWNLOAD is set)", "cortado data download mnist");
        assertEquals(0, server.requests());
    }

    @Test
    void dataDownloadFillsTheCacheByDefault() throws Exception {
        server.put("mnist/train-images-idx3-ubyte.gz", new byte[] {1, 2, 3});
        CliRunner corrupted = CliRunner.run("data", "download", "mnist");
        assertEquals(ExitCodes.USAGE, corrupted.exitCode(), corrupted.err());
        assertTrue(corrupted.err().contains("SHA-256 mismatch"), corrupted.err());
        assertEquals(List.of(), entries(tmp.resolve("cache")));

        TinyData.idx(cache("mnist"), 20);
        CliRunner present = CliRunner.run("data", "download", "mnist");
        assertEquals(0, present.exitCode(), present.err());
        assertEquals(cache("mnist") + "  (train with: cortado train --data mnist)", present.out().strip());
        assertTrue(present.err().contains("MNIST is already in the dataset cache"), present.err());
    }
}
