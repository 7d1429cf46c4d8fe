package dev.sqlrl.train.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LearningSignalWatchTest {
    @Test
    void warnsOnceAfterFiveStepsWithoutAnyRewardSpread() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LearningSignalWatch watch = new LearningSignalWatch(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        for (int step = 1; step <= 4; step++) watch.afterStep(step, 1.0);
        assertFalse(watch.warned(), "four flat steps are not yet a pattern");
        watch.afterStep(5, 1.0);
        assertTrue(watch.warned());
        for (int step = 6; step <= 20; step++) watch.afterStep(step, 1.0);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().count(), "one warning, not one per step: " + out);
        assertTrue(out.contains("step 5") && out.contains("samples.jsonl") && out.contains("grpo.temperature"), out);
    }

    @Test
    void aStepWithSomeSpreadStartsTheCountAgain() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LearningSignalWatch watch = new LearningSignalWatch(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        for (int step = 1; step <= 12; step++) watch.afterStep(step, step % 4 == 0 ? 0.75 : 1.0);
        assertFalse(watch.warned());
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }
}
