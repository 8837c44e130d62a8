package dev.cortado.data;

/** Filling a batch failed on the loader's background thread; the cause is the original error. */
public class DataLoaderException extends RuntimeException {
    public DataLoaderException(String message, Throwable cause) {
        super(message, cause);
    }
}
