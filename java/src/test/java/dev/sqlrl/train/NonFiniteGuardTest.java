package dev.sqlrl.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NonFiniteGuardTest {
    @Test
    void skipsNonFiniteStepsAndStopsOnTheThirdInARow() {
        NonFiniteGuard guard = new NonFiniteGuard(3);
        assertTrue(guard.record(1, 0.5, 1.0, "ok"));
        assertFalse(guard.record(2, Double.NaN, 1.0, "ok"));
        assertFalse(guard.record(3, 0.5, Double.POSITIVE_INFINITY, "ok"));
        assertTrue(guard.record(4, 0.4, 1.0, "ok"), "a finite step resets the count");
        assertFalse(guard.record(5, Double.NaN, Double.NaN, "ok"));
        assertFalse(guard.record(6, Double.NaN, Double.NaN, "ok"));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> guard.record(7, Double.NaN, Double.NaN, "The last good checkpoint is X."));
        assertTrue(e.getMessage().contains("step 7") && e.getMessage().contains("The last good checkpoint is X."), e.getMessage());
    }
}
