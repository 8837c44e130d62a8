package dev.cortado.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Downloads a dataset's files from its official location (or a mirror), verifies each file's SHA-256
 * and only then moves it into place: a file is written to a temporary name beside its target and
 * renamed atomically, so a failed or corrupted download never leaves a partial file behind.
 */
final class DatasetDownloader {
    private static final Logger LOG = LogManager.getLogger(DatasetDownloader.class);

    /** One file of a dataset and its published SHA-256. */
    record RemoteFile(String name, String sha256) {
    }

    /**
     * A dataset: where it is published (tried in order) and its files; {@code archive} says the one
     * file is a .tar.gz to unpack into the directory. {@code title} is its name in prose, and
     * {@code debianPackage} the package that installs it under /usr/share/datasets/{@code name}
     * (null where Debian has none).
     */
    record Source(String name, String title, List<String> baseUrls, List<RemoteFile> files, boolean archive,
                  String debianPackage) {
        Source(String name, List<String> baseUrls, List<RemoteFile> files, boolean archive) {
            this(name, name, baseUrls, files, archive, null);
        }
    }

    /**
     * How long to wait for a server to accept the connection: short, so that a machine without
     * network (where the packets to a host go nowhere) is told so within seconds, not after minutes.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The checksums are those the datasets' publishers and TensorFlow Datasets' url_checksums list
     * for the original files (the same bytes on every mirror).
     */
    static final List<Source> SOURCES = List.of(
            new Source("fashion-mnist", "Fashion-MNIST",
                    List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"), List.of(
                    new RemoteFile("train-images-idx3-ubyte.gz",
                            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
                    new RemoteFile("train-labels-idx1-ubyte.gz",
                            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
                    new RemoteFile("t10k-images-idx3-ubyte.gz",
                            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
                    new RemoteFile("t10k-labels-idx1-ubyte.gz",
                            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5")), false,
                    "dataset-fashion-mnist"),
            // LeCun's page is the official home; it often refuses plain downloads, so TensorFlow's CVDF
            // mirror of the identical files follows.
            new Source("mnist", "MNIST", List.of("https://yann.lecun.com/exdb/mnist/",
                    "https://storage.googleapis.com/cvdf-datasets/mnist/"), List.of(
                    new RemoteFile("train-images-idx3-ubyte.gz",
                            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
                    new RemoteFile("train-labels-idx1-ubyte.gz",
                            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
                    new RemoteFile("t10k-images-idx3-ubyte.gz",
                            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
                    new RemoteFile("t10k-labels-idx1-ubyte.gz",
                            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")), false, null),
            new Source("cifar10", "CIFAR-10", List.of("https://www.cs.toronto.edu/~kriz/"), List.of(
                    new RemoteFile("cifar-10-binary.tar.gz",
                            "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd")), true, null));

    /** A file none of whose locations gave the published bytes; {@link #problems} says why, location by location. */
    static final class DownloadFailedException extends IOException {
        private final String file;
        private final List<String> problems;

        DownloadFailedException(String file, List<String> problems, Path dir) {
            super("could not download " + file + ": " + String.join("; ", problems) + "; check the network "
                    + "connection, pass --mirror URL with a reachable copy, or put the file into " + dir
                    + " yourself (nothing was written)");
            this.file = file;
            this.problems = List.copyOf(problems);
        }

        String file() {
            return file;
        }

        List<String> problems() {
            return problems;
        }
    }

    private final HttpClient http;
    private final DownloadProgress progress;

    /** A downloader that reports progress only in the log. */
    DatasetDownloader() {
        this(DownloadProgress.SILENT);
    }

    DatasetDownloader(DownloadProgress progress) {
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(CONNECT_TIMEOUT).build();
        this.progress = progress;
    }

    static Source source(String name) {
        return find(name).orElseThrow(() -> new UserInputException("unknown dataset '" + name + "'; known: "
                + String.join(", ", SOURCES.stream().map(Source::name).toList())));
    }

    /** The dataset called {@code name} ("fashion-mnist", "fashion_mnist", "cifar-10", any case), if one is. */
    static Optional<Source> find(String name) {
        String key = name.strip().toLowerCase(Locale.ROOT).replace("_", "-");
        if (key.equals("cifar-10")) {
            key = "cifar10";
        }
        for (Source s : SOURCES) {
            if (s.name().equals(key)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * Downloads every file of {@code source} into {@code dir} that is not already there with the
     * right checksum, trying {@code baseUrls} in order (the source's own when null).
     */
    void download(Source source, Path dir, List<String> baseUrls) throws IOException {
        Files.createDirectories(dir);
        List<String> bases = baseUrls == null || baseUrls.isEmpty() ? source.baseUrls() : baseUrls;
        for (RemoteFile file : source.files()) {
            Path target = dir.resolve(file.name());
            if (Files.isRegularFile(target) && sha256(target).equals(file.sha256())) {
                LOG.info("{}: already present and verified", target);
            } else {
                fetch(file, target, bases);
            }
            if (source.archive()) {
                TarGz.extract(target, dir);
                LOG.info("unpacked {} into {}", target.getFileName(), dir);
            }
        }
    }

    private void fetch(RemoteFile file, Path target, List<String> bases) throws IOException {
        List<String> failures = new ArrayList<>();
        for (int b = 0; b < bases.size(); b++) {
            String base = bases.get(b);
            String url = base.endsWith("/") ? base + file.name() : base + "/" + file.name();
            Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + file.name() + ".", ".part");
            try {
                String problem = fetchVerified(url, tmp, file.sha256());
                if (problem == null) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    LOG.info("{}: downloaded from {} and verified (SHA-256 {})", target, url, file.sha256());
                    return;
                }
                failures.add(problem);
                if (b + 1 < bases.size()) {
                    // Only when another location follows: the last failure is the command's error.
                    LOG.warn("{}: {}; trying {}", url, problem, bases.get(b + 1));
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        throw new DownloadFailedException(file.name(), failures, target.toAbsolutePath().getParent());
    }

    /** Null when {@code tmp} now holds the file with the expected checksum, else what went wrong. */
    private String fetchVerified(String url, Path tmp, String expected) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30)).GET().build();
        MessageDigest digest = newSha256();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    return "HTTP status " + response.statusCode();
                }
                String name = url.substring(url.lastIndexOf('/') + 1);
                progress.start(name, response.headers().firstValueAsLong("content-length").orElse(-1));
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest)) {
                    byte[] buffer = new byte[1 << 16];
                    long done = 0;
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, n);
                        done += n;
                        progress.advance(done);
                    }
                } finally {
                    progress.end();
                }
            }
        } catch (IOException e) {
            return transferProblem(URI.create(url), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download of " + url + " interrupted", e);
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        return actual.equals(expected) ? null
                : "SHA-256 mismatch (expected " + expected + ", got " + actual + "): corrupted or altered file";
    }

    /**
     * What a failed transfer means for the user. The HTTP client reports an unreachable host as a
     * ConnectException without a message ("transfer failed: null"), so the cause chain is read instead.
     */
    static String transferProblem(URI url, IOException error) {
        String host = url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "host " + host + " could not be reached (its name does not resolve: no network or no DNS?)";
            }
            if (t instanceof HttpConnectTimeoutException) {
                return "host " + host + " could not be reached (the connection timed out)";
            }
            if (t instanceof NoRouteToHostException) {
                return "host " + host + " could not be reached (no route to it: no network?)";
            }
        }
        if (error instanceof ConnectException) {
            return "host " + host + " could not be reached (connection refused)";
        }
        return "the transfer failed: " + (error.getMessage() != null ? error.getMessage()
                : error.getClass().getSimpleName());
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = newSha256();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The regular files of a gzipped POSIX (ustar) tar archive, each written atomically. */
    static final class TarGz {
        private static final int BLOCK = 512;

        private TarGz() {
        }

        static void extract(Path archive, Path dir) throws IOException {
            Path root = dir.toAbsolutePath().normalize();
            try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(archive)))) {
                byte[] header = new byte[BLOCK];
                while (in.readNBytes(header, 0, BLOCK) == BLOCK && header[0] != 0) {
                    String name = text(header, 0, 100);
                    String prefix = text(header, 345, 155);
                    if (!prefix.isEmpty()) {
                        name = prefix + "/" + name;
                    }
                    long size = Long.parseLong(text(header, 124, 12).isEmpty() ? "0" : text(header, 124, 12), 8);
                    byte type = header[156];
                    long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                    if (type == '0' || type == 0) {
                        Path target = root.resolve(name).normalize();
                        if (!target.startsWith(root)) {
                            throw new IOException(archive + ": entry '" + name + "' points outside " + dir);
                        }
                        Files.createDirectories(target.getParent());
                        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
                        try {
                            try (OutputStream out = Files.newOutputStream(tmp)) {
                                copy(in, out, size, archive);
                            }
                            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                        } finally {
                            Files.deleteIfExists(tmp);
                        }
                        in.skipNBytes(padded - size);
                    } else {
                        in.skipNBytes(padded);
                    }
                }
            }
        }

        private static void copy(InputStream in, OutputStream out, long size, Path archive) throws IOException {
            byte[] buffer = new byte[1 << 16];
            long left = size;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException(archive + ": truncated archive");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }

        private static String text(byte[] b, int offset, int length) {
            int end = offset;
            while (end < offset + length && b[end] != 0) {
                end++;
            }
            return new String(b, offset, end - offset, StandardCharsets.US_ASCII).strip();
        }
    }
}
