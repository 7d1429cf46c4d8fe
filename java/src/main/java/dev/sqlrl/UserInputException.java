package dev.sqlrl;

/**
 * An error caused by the user's input (a missing or malformed file, a bad argument): the CLI
 * reports its message as one line and exits with 2. Messages name the file, key or tensor.
 */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
