package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a named dataset is found (Debian's copy, then the cache) and how it gets into the cache:
 * whole or not at all. A made-up two-file dataset served from 127.0.0.1 stands in for the real ones.
 */
class DatasetLocatorTest {
    private static final byte[] IMAGES = "image bytes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LABELS = "label bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;
    private LoopbackFiles server;
    private final StringWriter progress = new StringWriter();

    @BeforeEach
    void startServer() throws IOException {
        server = new LoopbackFiles();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** "Test Set", two files, packaged by Debian as dataset-test-set. */
    private static DatasetDownloader.Source testSet() throws Exception {
        return new DatasetDownloader.Source("test-set", "Test Set", List.of(), List.of(
                new DatasetDownloader.RemoteFile("images.gz", sha256(IMAGES)),
                new DatasetDownloader.RemoteFile("labels.gz", sha256(LABELS))), false, "dataset-test-set");
    }

    private DatasetLocator locator(String mirror, boolean downloadAllowed) {
        return new DatasetLocator(null, tmp.resolve("system"), tmp.resolve("cache"), mirror, downloadAllowed, Map.of());
    }

    private Path dataset(DatasetLocator locator, DatasetDownloader.Source source) throws IOException {
        return locator.dataset(source, true, new PrintWriter(progress, true));
    }

    private static List<Path> entries(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).toList();
        }
    }

    @Test
    void theCacheIsThePropertyThenCortadoDataDirThenXdgThenHome() {
        Map<String, String> props = Map.of("cortado.data.cache", "/p");
        Map<String, String> env = Map.of("CORTADO_DATA_DIR", "/e", "XDG_CACHE_HOME", "/x");
        assertEquals(Path.of("/p"), DatasetLocator.from(props::get, env, "/home/u").cacheRoot());
        assertEquals(Path.of("/e"), DatasetLocator.from(k -> null, env, "/home/u").cacheRoot());
        assertEquals(Path.of("/x/cortado/datasets"),
                DatasetLocator.from(k -> null, Map.of("XDG_CACHE_HOME", "/x"), "/home/u").cacheRoot());
        assertEquals(Path.of("/home/u/.cache/cortado/datasets"),
                DatasetLocator.from(k -> null, Map.of(), "/home/u").cacheRoot());
        assertEquals(DatasetLocator.DEBIAN_DATASETS, DatasetLocator.from(k -> null, Map.of(), "/h").systemRoot());
    }

    @Test
    void cortadoNoDownloadTurnsDownloadingOffAndABlankPropertyHidesIt() {
        assertTrue(DatasetLocator.from(k -> null, Map.of(), "/h").downloadAllowed());
        assertFalse(DatasetLocator.from(k -> null, Map.of("CORTADO_NO_DOWNLOAD", "1"), "/h").downloadAllowed());
        assertFalse(DatasetLocator.from(k -> null, Map.of("CORTADO_NO_DOWNLOAD", "True"), "/h").downloadAllowed());
        assertTrue(DatasetLocator.from(k -> null, Map.of("CORTADO_NO_DOWNLOAD", "0"), "/h").downloadAllowed());
        assertTrue(DatasetLocator.from(Map.of("cortado.data.noDownload", "")::get,
                Map.of("CORTADO_NO_DOWNLOAD", "1"), "/h").downloadAllowed());
        assertEquals("/d", DatasetLocator.from(k -> null, Map.of("CORTADO_DATA", "/d"), "/h").configuredDefault());
    }

    @Test
    void aDatasetNameIsOneRelativeNameOfAKnownDataset() {
        assertTrue(DatasetLocator.isDatasetName("fashion-mnist"));
        assertTrue(DatasetLocator.isDatasetName("CIFAR-10"));
        assertTrue(DatasetLocator.isDatasetName("mnist"));
        assertFalse(DatasetLocator.isDatasetName("/data/mnist"));
        assertFalse(DatasetLocator.isDatasetName("data/mnist"));
        assertFalse(DatasetLocator.isDatasetName("imagenet"));
    }

    @Test
    void aDownloadLandsInTheCacheWholeAndTheNextLookMakesNoRequest() throws Exception {
        server.put("test-set/images.gz", IMAGES);
        server.put("test-set/labels.gz", LABELS);
        DatasetLocator locator = locator(server.base(), true);

        Path dir = dataset(locator, testSet());
        assertEquals(tmp.resolve("cache/test-set").toAbsolutePath(), dir);
        assertArrayEquals(IMAGES, Files.readAllBytes(dir.resolve("images.gz")));
        assertArrayEquals(LABELS, Files.readAllBytes(dir.resolve("labels.gz")));
        assertEquals(List.of(dir, dir.resolve("images.gz"), dir.resolve("labels.gz")),
                entries(tmp.resolve("cache")).stream().map(Path::toAbsolutePath).sorted().toList(),
                "the dataset and nothing else: no staging folder, no partial file");
        assertEquals(2, server.requests());
        assertTrue(progress.toString().contains("images.gz 0.0 MB in "), progress.toString());

        assertEquals(dir, dataset(locator, testSet()));
        assertEquals(2, server.requests(), "a cached dataset is used without a request");
    }

    @Test
    void debiansCopyComesBeforeTheCache() throws Exception {
        Path system = Files.createDirectories(tmp.resolve("system/test-set"));
        Files.createDirectories(tmp.resolve("cache/test-set"));
        assertEquals(system.toAbsolutePath(), dataset(locator(server.base(), true), testSet()));
        assertEquals(0, server.requests());
    }

    @Test
    void aCorruptedFileLeavesNothingInTheCache() throws Exception {
        server.put("test-set/images.gz", IMAGES);
        server.put("test-set/labels.gz", "label bytez".getBytes(StandardCharsets.UTF_8));
        UserInputException e = assertThrows(UserInputException.class,
                () -> dataset(locator(server.base(), true), testSet()));
        assertTrue(e.getMessage().contains("labels.gz: SHA-256 mismatch"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(List.of(), entries(tmp.resolve("cache")), "the verified first file goes too: all or nothing");
    }

    @Test
    void withoutANetworkTheErrorNamesTheThreeWaysOutWithinSeconds() throws Exception {
        long start = System.nanoTime();
        UserInputException e = assertThrows(UserInputException.class,
                () -> dataset(locator(LoopbackFiles.nothingListening(), true), testSet()));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < DatasetDownloader.CONNECT_TIMEOUT.toSeconds(), seconds + " s");
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith("Test Set is neither in " + tmp.resolve("system/test-set") + " nor in the dataset cache "
                + tmp.resolve("cache/test-set").toAbsolutePath() + ", and downloading it failed (images.gz: host "
                + "127.0.0.1:"), m);
        assertTrue(m.contains("could not be reached (connection refused)"), m);
        assertTrue(m.contains("apt-get install dataset-test-set"), m);
        assertTrue(m.contains("'cortado data download test-set'"), m);
        assertTrue(m.contains("--data DIR"), m);
        assertEquals(List.of(), entries(tmp.resolve("cache")));
    }

    @Test
    void downloadingOffStopsBeforeAnyRequest() throws Exception {
        server.put("test-set/images.gz", IMAGES);
        UserInputException off = assertThrows(UserInputException.class,
                () -> dataset(locator(server.base(), false), testSet()));
        assertTrue(off.getMessage().contains("downloading is off (CORTADO_NO_DOWNLOAD is set)"), off.getMessage());
        UserInputException flag = assertThrows(UserInputException.class,
                () -> locator(server.base(), true).dataset(testSet(), false, new PrintWriter(progress)));
        assertTrue(flag.getMessage().contains("downloading is off (--no-download)"), flag.getMessage());
        assertEquals(0, server.requests());
    }

    @Test
    void anArchiveIsUnpackedInTheCacheAndNotKept() throws Exception {
        byte[] batch = "batch bytes".getBytes(StandardCharsets.UTF_8);
        byte[] archive = DatasetDownloaderTest.tarGz("batches/data_batch_1.bin", batch);
        server.put("archived/set.tar.gz", archive);
        DatasetDownloader.Source source = new DatasetDownloader.Source("archived", List.of(),
                List.of(new DatasetDownloader.RemoteFile("set.tar.gz", sha256(archive))), true);
        Path dir = dataset(locator(server.base(), true), source);
        assertArrayEquals(batch, Files.readAllBytes(dir.resolve("batches/data_batch_1.bin")));
        assertFalse(Files.exists(dir.resolve("set.tar.gz")));
    }
}
