package dev.cortado.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Where the data of {@code --data} is on this machine: a directory as given, or a dataset named by
 * its name (fashion-mnist, mnist, cifar10), or with no {@code --data} the default, Fashion-MNIST.
 *
 * <p>A named dataset is looked for where its Debian package installs it ({@code
 * /usr/share/datasets/NAME}), then in Cortado's dataset cache ({@code CACHE/NAME}). Where it is in
 * neither, it is downloaded into the cache by {@link DatasetDownloader} (official locations, SHA-256
 * checked), unless downloading is off, as torchvision's {@code download=True} does. A download is
 * staged in a hidden folder of the cache and renamed into place whole, so the cache holds complete
 * datasets only: a run that finds {@code CACHE/NAME} uses it without a request, and a failed or
 * corrupted download leaves nothing there.
 *
 * <p>The settings, each a Java system property that wins over an environment variable (tests run
 * in-process and cannot change their environment):
 * <ul>
 * <li>{@code cortado.data} / {@code CORTADO_DATA}: the data of a run without {@code --data} (a
 *     directory or a dataset name), before Fashion-MNIST;
 * <li>{@code cortado.data.cache} / {@code CORTADO_DATA_DIR}: the cache, else
 *     {@code $XDG_CACHE_HOME/cortado/datasets}, else {@code ~/.cache/cortado/datasets};
 * <li>{@code cortado.data.noDownload} / {@code CORTADO_NO_DOWNLOAD}: 1, true or yes turns
 *     downloading off (for CI, where a missing dataset should fail rather than be fetched);
 * <li>{@code cortado.data.mirror} / {@code CORTADO_DATA_MIRROR}: a base URL holding one folder per
 *     dataset ({@code MIRROR/fashion-mnist/train-images-idx3-ubyte.gz}), tried instead of the
 *     official locations; the checksums are the same;
 * <li>{@code cortado.data.system}: where distribution packages put datasets, {@code
 *     /usr/share/datasets}; tests point it at an empty folder;
 * <li>{@code cortado.data.checksums}: a file of {@code DATASET/FILE SHA256} lines whose checksums
 *     replace the published ones; tests serve small stand-ins for the real files with it.
 * </ul>
 *
 * @param configuredDefault CORTADO_DATA, or null
 * @param mirror the base URL of CORTADO_DATA_MIRROR, or null for the official locations
 * @param checksums SHA-256 by "DATASET/FILE" that replace the published ones (tests only)
 */
record DatasetLocator(String configuredDefault, Path systemRoot, Path cacheRoot, String mirror,
                      boolean downloadAllowed, Map<String, String> checksums) {
    private static final Logger LOG = LogManager.getLogger(DatasetLocator.class);

    /** What a run without --data (and without CORTADO_DATA) trains on: the main job's dataset. */
    static final String DEFAULT_DATASET = "fashion-mnist";

    /** Where Debian's dataset packages install their data, one folder per dataset. */
    static final Path DEBIAN_DATASETS = Path.of("/usr/share/datasets");

    /** The settings of this process: its system properties, then its environment. */
    static DatasetLocator fromEnvironment() {
        return from(System::getProperty, System.getenv(), System.getProperty("user.home"));
    }

    /** The settings from {@code property} (a system property by name), then {@code env}; see the class comment. */
    static DatasetLocator from(UnaryOperator<String> property, Map<String, String> env, String userHome) {
        String cache = setting(property, "cortado.data.cache", env, "CORTADO_DATA_DIR");
        String xdg = env.get("XDG_CACHE_HOME");
        Path cacheRoot = cache != null ? Path.of(cache)
                : xdg != null && !xdg.isBlank() ? Path.of(xdg, "cortado", "datasets")
                : Path.of(userHome, ".cache", "cortado", "datasets");
        String system = property.apply("cortado.data.system");
        String off = setting(property, "cortado.data.noDownload", env, "CORTADO_NO_DOWNLOAD");
        String checksums = property.apply("cortado.data.checksums");
        return new DatasetLocator(setting(property, "cortado.data", env, "CORTADO_DATA"),
                system == null || system.isBlank() ? DEBIAN_DATASETS : Path.of(system), cacheRoot,
                setting(property, "cortado.data.mirror", env, "CORTADO_DATA_MIRROR"),
                off == null || !List.of("1", "true", "yes").contains(off.strip().toLowerCase(Locale.ROOT)),
                checksums == null || checksums.isBlank() ? Map.of() : readChecksums(Path.of(checksums)));
    }

    /** "DATASET/FILE SHA256" lines, as {@code sha256sum} writes them with the names first. */
    private static Map<String, String> readChecksums(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.strip().split("\\s+");
                if (parts.length == 2) {
                    out.put(parts[0], parts[1].toLowerCase(Locale.ROOT));
                } else if (!line.isBlank()) {
                    throw new UserInputException(file + ": expected 'DATASET/FILE SHA256' lines, got '" + line + "'");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(out);
    }

    /** {@code source} with the checksums of {@link #checksums} in place of the published ones. */
    private DatasetDownloader.Source withChecksums(DatasetDownloader.Source source) {
        if (checksums.isEmpty()) {
            return source;
        }
        List<DatasetDownloader.RemoteFile> files = source.files().stream().map(f -> new DatasetDownloader.RemoteFile(
                f.name(), checksums.getOrDefault(source.name() + "/" + f.name(), f.sha256()))).toList();
        return new DatasetDownloader.Source(source.name(), source.title(), source.baseUrls(), files, source.archive(),
                source.debianPackage());
    }

    /** The property if it is set (a blank one then means unset: tests use that to hide the environment), else the variable. */
    private static String setting(UnaryOperator<String> property, String propertyName, Map<String, String> env,
                                  String envName) {
        String value = property.apply(propertyName);
        if (value == null) {
            value = env.get(envName);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Whether {@code value} names a dataset Cortado can download (rather than a directory). */
    static boolean isDatasetName(String value) {
        Path p = Path.of(value);
        return !p.isAbsolute() && p.getNameCount() == 1 && DatasetDownloader.find(value).isPresent();
    }

    /**
     * The absolute dataset directory for {@code data} (null: CORTADO_DATA, else Fashion-MNIST). An
     * existing directory is itself even where a dataset has its name; a dataset name that is not a
     * directory here is found or, when {@code mayDownload} and the settings allow it, downloaded,
     * with progress on {@code err}. Any other path comes back as it is, for the format check to
     * report.
     */
    Path locate(Path data, boolean mayDownload, PrintWriter err) throws IOException {
        if (data == null && configuredDefault != null) {
            Path configured = Path.of(configuredDefault);
            if (!Files.exists(configured) && !isDatasetName(configuredDefault)) {
                throw new UserInputException("CORTADO_DATA names " + configured.toAbsolutePath() + ", which does not"
                        + " exist; point it at a dataset directory or a dataset name (" + names() + "), or unset it to"
                        + " train on " + DatasetDownloader.source(DEFAULT_DATASET).title());
            }
            data = configured;
        }
        if (data == null) {
            return dataset(DatasetDownloader.source(DEFAULT_DATASET), mayDownload, err);
        }
        if (!Files.exists(data) && isDatasetName(data.toString())) {
            return dataset(DatasetDownloader.source(data.toString()), mayDownload, err);
        }
        return data.toAbsolutePath();
    }

    /** Where Debian's package puts {@code source}; null for a dataset Debian does not package. */
    Path systemDirectory(DatasetDownloader.Source source) {
        return source.debianPackage() == null ? null : systemRoot.resolve(source.name());
    }

    /** Where the cache holds {@code source}, once downloaded. */
    Path cacheDirectory(DatasetDownloader.Source source) {
        return cacheRoot.resolve(source.name());
    }

    /** {@code source}'s directory: the system's copy, the cache's, or a new download into the cache. */
    Path dataset(DatasetDownloader.Source source, boolean mayDownload, PrintWriter err) throws IOException {
        Path system = systemDirectory(source);
        if (system != null && Files.isDirectory(system)) {
            LOG.debug("{}: {} as Debian's {} installs it", system, source.title(), source.debianPackage());
            return system.toAbsolutePath();
        }
        Path cached = cacheDirectory(source);
        if (Files.isDirectory(cached)) {
            LOG.debug("{}: {} from the dataset cache", cached, source.title());
            return cached.toAbsolutePath();
        }
        if (!mayDownload || !downloadAllowed) {
            throw missing(source, "downloading is off (" + (mayDownload ? "CORTADO_NO_DOWNLOAD is set" : "--no-download")
                    + ")");
        }
        try {
            return download(source, null, err);
        } catch (DatasetDownloader.DownloadFailedException e) {
            throw missing(source, "downloading it failed (" + e.file() + ": " + String.join("; ", e.problems()) + ")");
        } catch (IOException | UncheckedIOException e) {
            throw new UserInputException("could not download " + source.title() + " into the dataset cache "
                    + cacheRoot.toAbsolutePath() + ": " + ExitCodes.classify(e).message() + "; set CORTADO_DATA_DIR"
                    + " to a writable folder, or pass --data DIR with a copy of its files");
        }
    }

    /** The one-line error of a dataset that is nowhere here: where it was looked for, why it was not fetched, and the ways out. */
    private UserInputException missing(DatasetDownloader.Source source, String why) {
        Path system = systemDirectory(source);
        String where = system == null ? "is not in the dataset cache " + cacheDirectory(source).toAbsolutePath()
                : "is neither in " + system + " nor in the dataset cache " + cacheDirectory(source).toAbsolutePath();
        String install = source.debianPackage() == null ? ""
                : "install it (Debian: apt-get install " + source.debianPackage() + "), ";
        return new UserInputException(source.title() + " " + where + ", and " + why + "; " + install + "download it with"
                + " 'cortado data download " + source.name() + "' where there is network (--mirror URL for another"
                + " copy), or pass --data DIR with a copy of its files");
    }

    /**
     * Downloads {@code source} into the cache unless it is there, from {@code mirrors} (null: the
     * mirror setting, else the official locations), with progress on {@code err}; returns its
     * absolute cache directory.
     */
    Path download(DatasetDownloader.Source source, List<String> mirrors, PrintWriter err) throws IOException {
        Path target = cacheDirectory(source).toAbsolutePath();
        if (Files.isDirectory(target)) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), "." + source.name() + ".download-");
        // Ctrl-C during a download: the JVM's default handler exits, and the staged files go with it.
        Thread cleanup = new Thread(() -> deleteTree(staging));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            LOG.info("downloading {} into {}", source.title(), target);
            DownloadProgress progress = new DownloadProgress(err, System.console() != null, System::nanoTime);
            try {
                new DatasetDownloader(progress).download(withChecksums(source), staging, baseUrls(source, mirrors));
            } catch (DatasetDownloader.DownloadFailedException e) {
                // The staging folder goes: the place to put the files by hand is the cache's.
                throw new DatasetDownloader.DownloadFailedException(e.file(), e.problems(), target);
            }
            if (source.archive()) {
                // Unpacked: the archive would only double the space the dataset takes.
                for (DatasetDownloader.RemoteFile f : source.files()) {
                    Files.delete(staging.resolve(f.name()));
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
                LOG.info("{}: another run completed the same download first; using its copy", target);
            }
            return target;
        } finally {
            deleteTree(staging);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway and finds nothing left to delete.
            }
        }
    }

    private List<String> baseUrls(DatasetDownloader.Source source, List<String> mirrors) {
        if (mirrors != null && !mirrors.isEmpty()) {
            return mirrors;
        }
        return mirror == null ? null : List.of((mirror.endsWith("/") ? mirror : mirror + "/") + source.name() + "/");
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not remove the unfinished download {}: {}", dir, e.getMessage());
        }
    }

    private static String names() {
        return String.join(", ", DatasetDownloader.SOURCES.stream().map(DatasetDownloader.Source::name).toList());
    }
}
