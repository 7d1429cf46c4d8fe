package dev.sqlrl.model;

import dev.sqlrl.UserInputException;

/** The native library rejected an input (ids out of range, shape mismatch, ...): the user's input is wrong. */
public class InvalidNativeArgumentException extends UserInputException {
    public InvalidNativeArgumentException(String message) {
        super(message);
    }
}
