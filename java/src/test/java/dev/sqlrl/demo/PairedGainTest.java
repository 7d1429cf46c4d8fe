package dev.sqlrl.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's paired comparison of GRPO with its frozen twin: step by step, over the last 30% of the steps. */
class PairedGainTest {
    @Test
    void comparesTheLastThirtyPercentStepByStep() {
        List<Double> real = new ArrayList<>();
        List<Double> frozen = new ArrayList<>();
        for (int step = 0; step < 10; step++) {
            double promptDifficulty = step % 2 == 0 ? 0.2 : 0.8; // shared by both runs at a step
            frozen.add(promptDifficulty);
            real.add(promptDifficulty + (step >= 7 ? 0.1 + 0.01 * (step - 7) : 0));
        }
        CpuDemo.PairedGain p = CpuDemo.paired(real, frozen);
        assertEquals(3, p.steps());
        assertEquals(0.11, p.gain(), 1e-12);
        assertEquals(0.01, p.stepSd(), 1e-12, "the shared prompt difficulty cancels out");
        assertEquals(0.11 / (0.01 / Math.sqrt(3)), p.standardErrors(), 1e-9);
    }
}
