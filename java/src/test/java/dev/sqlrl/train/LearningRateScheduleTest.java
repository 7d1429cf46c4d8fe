package dev.sqlrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sqlrl.config.OptimizerSection;
import dev.sqlrl.config.OptimizerSection.Schedule;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    @Test
    void warmupRisesLinearlyThenCosineReachesZeroAtTheLastStep() {
        LearningRateSchedule s = new LearningRateSchedule(1.0, 3, 13, Schedule.COSINE);
        assertEquals(0.25, s.at(1), 1e-12);
        assertEquals(0.5, s.at(2), 1e-12);
        assertEquals(0.75, s.at(3), 1e-12);
        assertEquals(1.0, s.at(4), 1e-12);                      // first step after warm-up: the peak
        assertEquals(0.5, s.at(9), 1e-12);                      // half-way through the 10 decay steps
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 0.9)), s.at(13), 1e-12);
        assertEquals(0.0, s.at(14), 1e-12);                     // past the end it stays at 0
    }

    @Test
    void linearAndConstantShapes() {
        LearningRateSchedule linear = new LearningRateSchedule(2.0, 0, 4, Schedule.LINEAR);
        assertEquals(2.0, linear.at(1), 1e-12);
        assertEquals(1.0, linear.at(3), 1e-12);
        assertEquals(0.5, linear.at(4), 1e-12);
        LearningRateSchedule constant = new LearningRateSchedule(3e-4, 2, 100, Schedule.CONSTANT);
        assertEquals(1e-4, constant.at(1), 1e-15);
        assertEquals(3e-4, constant.at(50), 1e-15);
    }

    @Test
    void warmupRatioIsTakenOfTheTotalSteps() {
        OptimizerSection section = new OptimizerSection(1e-3, 0, 0.9, 0.999, 1e-8, 1, 0, 0.1, Schedule.LINEAR);
        assertEquals(10, LearningRateSchedule.of(section, 100).warmupSteps());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(0, 0, 10, Schedule.COSINE));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1, 0, 0, Schedule.COSINE));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1, 0, 10, Schedule.COSINE).at(0));
    }
}
