package dev.cortado.backend;

/** The requested backend cannot run on this machine; the message says what is missing. */
public class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) {
        super(message);
    }
}
