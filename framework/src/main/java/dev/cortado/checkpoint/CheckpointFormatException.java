package dev.cortado.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint file that is not what it claims to be; the message names the file and the problem. */
public class CheckpointFormatException extends IOException {
    private final Path file;

    public CheckpointFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public CheckpointFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
