package dev.cortado.cli;

/**
 * A problem with what the user asked for that the command itself detects (a missing file, a model
 * whose input does not fit the data): exit code 2, one message saying what, where and what to do.
 */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }
}
