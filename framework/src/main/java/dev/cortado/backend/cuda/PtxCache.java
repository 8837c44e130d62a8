package dev.cortado.backend.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * PTX compiled by NVRTC, kept on disk so that only the first run on a machine pays for compilation.
 * A file's name is its key: module, architecture, driver version and a hash of the sources and compile
 * options, so a changed kernel, GPU, driver or NVRTC never picks up stale PTX. Files are written to a
 * temporary name and renamed, so a concurrent run never reads half a file.
 */
public final class PtxCache {
    private static final Logger LOG = LogManager.getLogger(PtxCache.class);

    /** System property naming the cache directory. */
    public static final String DIRECTORY_PROPERTY = "cortado.ptx.cache";
    /** Environment variable naming the cache directory (the property wins). */
    public static final String DIRECTORY_ENV = "CORTADO_PTX_CACHE";

    private final Path directory;

    public PtxCache(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /**
     * The property, else the environment variable, else {@code $XDG_CACHE_HOME/cortado/ptx}, else
     * {@code ~/.cache/cortado/ptx}.
     */
    public static Path defaultDirectory(String property, Map<String, String> env, String userHome) {
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String fromEnv = env.get(DIRECTORY_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "cortado", "ptx");
        }
        return Path.of(userHome, ".cache", "cortado", "ptx");
    }

    public static PtxCache forThisUser() {
        return new PtxCache(defaultDirectory(System.getProperty(DIRECTORY_PROPERTY), System.getenv(),
                System.getProperty("user.home")));
    }

    /** e.g. {@code optimizers-compute_86-cuda12.2-3f2a…} (16 hex digits of the hash). */
    public static String key(KernelProgram program, String architecture, int driverVersion, List<String> options) {
        return program.module() + "-" + architecture + "-cuda" + DeviceReport.cudaVersion(driverVersion) + "-"
                + program.hash(options).substring(0, 16);
    }

    public Path path(String key) {
        return directory.resolve(key + ".ptx");
    }

    /** The cached PTX for {@code key}, or empty when absent or unreadable (then it is compiled again). */
    public Optional<String> load(String key) {
        Path p = path(key);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("PTX cache: cannot read {} ({}); compiling again", p, e.getMessage());
            return Optional.empty();
        }
    }

    /** Stores PTX under {@code key}; a cache that cannot be written costs only a recompilation next time. */
    public void store(String key, String ptx) {
        Path target = path(key);
        try {
            Files.createDirectories(directory);
            Path tmp = Files.createTempFile(directory, key, ".tmp");
            Files.writeString(tmp, ptx, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("PTX cache: cannot write {} ({}); kernels will be compiled again next run", target, e.getMessage());
        }
    }
}
