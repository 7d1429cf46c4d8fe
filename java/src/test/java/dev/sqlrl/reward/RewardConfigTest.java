package dev.sqlrl.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RewardConfigTest {
    @Test
    void defaultsAreExecutionOneTenthZeroWithASmallFormatTerm() {
        RewardConfig config = RewardConfig.defaults();
        assertEquals(1.0, config.correct());
        assertEquals(0.1, config.executableWrong());
        assertEquals(0.0, config.failed());
        assertEquals(1.0, config.weight(RewardComponent.EXECUTION));
        assertEquals(0.1, config.weight(RewardComponent.FORMAT));
        assertEquals(0.0, config.weight(RewardComponent.CLAUSE_F1));
    }

    @Test
    void componentKeysRoundTripAndUnknownKeysAreNamed() {
        for (RewardComponent component : RewardComponent.values()) {
            assertEquals(component, RewardComponent.fromKey(component.key()));
        }
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RewardComponent.fromKey("speed"));
        assertTrue(error.getMessage().contains("'speed'") && error.getMessage().contains("schema_grounding"), error.getMessage());
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThrows(IllegalArgumentException.class, () -> RewardConfig.defaults().withLength(100, 100));
        assertThrows(IllegalArgumentException.class, () -> RewardConfig.defaults().withWeight(RewardComponent.SYNTAX, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> RewardConfig.defaults().withCacheEntries(-1));
    }
}
