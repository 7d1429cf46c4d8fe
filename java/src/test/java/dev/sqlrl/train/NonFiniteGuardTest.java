package dev.sqlrl.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NonFiniteGuardTest {
    @Test
    void skipsNonFiniteStepsAndStopsOnTheThirdInARow() {
        NonFiniteGuard guard = new NonFiniteGuard(3);
        assertTrue(guard.record(0.5, 1.0));
        assertFalse(guard.record(Double.NaN, 1.0));
        assertFalse(guard.record(0.5, Double.POSITIVE_INFINITY));
        assertDoesNotThrow(() -> guard.stopIfDiverged(3, "ok"));
        assertTrue(guard.record(0.4, 1.0), "a finite step resets the count");
        assertFalse(guard.record(Double.NaN, Double.NaN));
        assertFalse(guard.record(Double.NaN, Double.NaN));
        assertDoesNotThrow(() -> guard.stopIfDiverged(6, "ok"));
        assertFalse(guard.record(Double.NaN, Double.NaN));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> guard.stopIfDiverged(7, "The last good checkpoint is X."));
        assertTrue(e.getMessage().contains("step 7") && e.getMessage().contains("The last good checkpoint is X."), e.getMessage());
    }
}
