package dev.sqlrl.train;

import dev.sqlrl.UserInputException;

/**
 * Training stopped because step after step had a non-finite loss or gradient. It is reported like a
 * user error (one line, exit 2): the cause is almost always a setting (learning rate, data), and the
 * message says which checkpoint is still good.
 */
public final class TrainingDivergedException extends UserInputException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
