package dev.cortado.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One temporary folder per fuzz-test JVM, whose files each fuzz input overwrites. */
public final class FuzzFiles {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("cortado-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DIR.toFile().deleteOnExit();
    }

    private FuzzFiles() {
    }

    public static Path file(String name) {
        Path p = DIR.resolve(name);
        p.toFile().deleteOnExit();
        return p;
    }
}
