package dev.cortado.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Files replaced whole or not at all: written to a temporary file beside the target, then renamed
 * over it. A temporary file that was not renamed is removed on every exit path: the writer's own
 * failure, and also a JVM that shuts down mid-write (Ctrl-C during a checkpoint save), which would
 * otherwise leave a hidden {@code .last.safetensors.*.tmp} of the checkpoint's size behind.
 */
public final class AtomicWrite {
    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(AtomicWrite::removePending, "cortado-temporary-files"));
    }

    private AtomicWrite() {
    }

    /** Writes one file, given its temporary path. */
    @FunctionalInterface
    public interface Writer {
        void write(Path temporary) throws IOException;
    }

    /** Writes {@code target} through {@code writer} into a temporary file and renames it into place. */
    public static void write(Path target, Writer writer) throws IOException {
        Path temporary = temporaryFor(target);
        boolean committed = false;
        try {
            writer.write(temporary);
            commit(temporary, target);
            committed = true;
        } finally {
            if (!committed) {
                discard(temporary);
            }
        }
    }

    /** A fresh hidden path beside {@code target}, removed at exit unless {@link #commit committed}. */
    public static Path temporaryFor(Path target) {
        Path absolute = target.toAbsolutePath();
        Path temporary = absolute.resolveSibling("." + absolute.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        PENDING.add(temporary);
        return temporary;
    }

    /** Renames {@code temporary} over {@code target} in one step. */
    public static void commit(Path temporary, Path target) throws IOException {
        Files.move(temporary, target.toAbsolutePath(), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        PENDING.remove(temporary);
    }

    /** Removes a temporary file that will not be committed. */
    public static void discard(Path temporary) throws IOException {
        try {
            Files.deleteIfExists(temporary);
        } finally {
            PENDING.remove(temporary);
        }
    }

    /** What the shutdown hook does: remove every temporary file not yet committed. */
    static void removePending() {
        for (Path p : Set.copyOf(PENDING)) {
            try {
                discard(p);
            } catch (IOException ignored) {
                // At exit there is no one left to tell; the file is hidden and named as temporary.
            }
        }
    }
}
