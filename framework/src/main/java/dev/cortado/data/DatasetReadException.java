package dev.cortado.data;

/**
 * A sample could not be read while loading batches (for example an image file of an image-folder
 * dataset that does not decode). Unchecked because it arises inside {@link Dataset#read}, which the
 * loader calls on its background thread; the cause carries the underlying error.
 */
public class DatasetReadException extends RuntimeException {
    public DatasetReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
