package dev.cortado.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The downloader against a loopback HTTP server: verified files land, corrupted ones never do. */
class DatasetDownloaderTest {
    @TempDir
    Path tmp;
    private HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private String base;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = files.get(exchange.getRequestURI().getPath().substring(1));
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static DatasetDownloader.Source source(String... namesAndHashes) {
        List<DatasetDownloader.RemoteFile> list = new java.util.ArrayList<>();
        for (int i = 0; i < namesAndHashes.length; i += 2) {
            list.add(new DatasetDownloader.RemoteFile(namesAndHashes[i], namesAndHashes[i + 1]));
        }
        return new DatasetDownloader.Source("test", List.of(), list, false);
    }

    private List<Path> leftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }

    @Test
    void downloadsAndVerifies() throws Exception {
        byte[] a = "first file".getBytes(StandardCharsets.UTF_8);
        files.put("a.gz", a);
        Path dir = tmp.resolve("data");
        new DatasetDownloader().download(source("a.gz", sha256(a)), dir, List.of(base));
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("a.gz")));
        assertEquals(List.of(), leftovers(dir));
    }

    @Test
    void corruptedFileLeavesNothingBehind() throws Exception {
        byte[] good = "the published bytes".getBytes(StandardCharsets.UTF_8);
        files.put("a.gz", "the published bytez".getBytes(StandardCharsets.UTF_8));
        Path dir = tmp.resolve("data");
        IOException e = assertThrows(IOException.class,
                () -> new DatasetDownloader().download(source("a.gz", sha256(good)), dir, List.of(base)));
        assertTrue(e.getMessage().contains("SHA-256 mismatch"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("a.gz")));
        assertEquals(List.of(), leftovers(dir));
    }

    @Test
    void fallsBackToTheNextMirror() throws Exception {
        byte[] a = "mirrored".getBytes(StandardCharsets.UTF_8);
        files.put("second/a.gz", a);
        Path dir = tmp.resolve("data");
        new DatasetDownloader().download(source("a.gz", sha256(a)), dir, List.of(base + "first/", base + "second/"));
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("a.gz")));
    }

    @Test
    void unpacksATarGzArchive() throws Exception {
        byte[] content = "batch bytes".getBytes(StandardCharsets.UTF_8);
        byte[] archive = tarGz("cifar-10-batches-bin/data_batch_1.bin", content);
        files.put("cifar.tar.gz", archive);
        Path dir = tmp.resolve("cifar");
        DatasetDownloader.Source s = new DatasetDownloader.Source("cifar", List.of(),
                List.of(new DatasetDownloader.RemoteFile("cifar.tar.gz", sha256(archive))), true);
        new DatasetDownloader().download(s, dir, List.of(base));
        assertArrayEquals(content, Files.readAllBytes(dir.resolve("cifar-10-batches-bin/data_batch_1.bin")));
    }

    @Test
    void commandLineWithAMirror() throws Exception {
        // The real Fashion-MNIST checksums: the corrupted copy served here must be refused.
        files.put("train-images-idx3-ubyte.gz", new byte[] {1, 2, 3});
        Path dir = tmp.resolve("fashion");
        CliRunner r = CliRunner.run("data", "download", "fashion-mnist", "--dir", dir.toString(), "--mirror", base);
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
        assertTrue(r.err().contains("SHA-256 mismatch"), r.err());
        assertTrue(Files.notExists(dir.resolve("train-images-idx3-ubyte.gz")));
    }

    /** One regular file in a ustar archive: a 512-byte header, the data padded to 512, two zero blocks. */
    static byte[] tarGz(String name, byte[] content) throws IOException {
        byte[] header = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, header, 0, n.length);
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", content.length));
        put(header, 136, "00000000000");
        header[156] = '0';
        put(header, 257, "ustar");
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xFF;
        }
        put(header, 148, String.format("%06o", sum));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(header);
            gz.write(content);
            gz.write(new byte[(512 - content.length % 512) % 512]);
            gz.write(new byte[1024]);
        }
        return bytes.toByteArray();
    }

    private static void put(byte[] header, int offset, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, b.length);
    }
}
