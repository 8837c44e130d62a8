package dev.cortado.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A dataset file or directory is not in the expected format: wrong magic number, truncated,
 * inconsistent with its companion file, or missing. The message names the file, what is wrong and
 * what to do about it.
 */
public class DatasetFormatException extends IOException {
    private final transient Path file;

    public DatasetFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DatasetFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file or directory at fault. */
    public Path file() {
        return file;
    }
}
