package dev.cortado.models;

/**
 * A config file that cannot be used. The message names the file, the line and the key, says what
 * was found and what was expected, like a compiler error: {@code resnet20.yaml:14: key 'kernal': ...}.
 */
public class ConfigException extends RuntimeException {
    private final String source;
    private final int line;

    public ConfigException(String source, int line, String message) {
        super(source + (line > 0 ? ":" + line : "") + ": " + message);
        this.source = source;
        this.line = line;
    }

    /** The file (or zoo resource) the error is in. */
    public String source() {
        return source;
    }

    /** 1-based line, or 0 when the error concerns the whole file. */
    public int line() {
        return line;
    }
}
