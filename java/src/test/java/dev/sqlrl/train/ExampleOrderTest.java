package dev.sqlrl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ExampleOrderTest {
    @Test
    void everyEpochIsAPermutationAndEpochsDiffer() {
        ExampleOrder order = ExampleOrder.shuffled(42, 20);
        int[] first = order.slice(0, 20);
        int[] second = order.slice(20, 20);
        assertArrayEquals(IntStream.range(0, 20).toArray(), Arrays.stream(first).sorted().toArray());
        assertArrayEquals(IntStream.range(0, 20).toArray(), Arrays.stream(second).sorted().toArray());
        assertNotEquals(Arrays.toString(first), Arrays.toString(second));
    }

    @Test
    void aPositionAloneGivesTheSameExampleAsTheSequence() {
        ExampleOrder order = ExampleOrder.shuffled(7, 13);
        int[] run = order.slice(5, 30);                         // crosses two epoch boundaries
        for (int i = 0; i < run.length; i++) {
            assertEquals(run[i], order.at(5 + i));
            assertEquals(run[i], ExampleOrder.shuffled(7, 13).at(5 + i), "a fresh order (a resumed run) agrees");
        }
        assertNotEquals(Arrays.toString(order.slice(0, 13)), Arrays.toString(ExampleOrder.shuffled(8, 13).slice(0, 13)));
    }

    @Test
    void curriculumVisitsLowerLevelsFirstInEveryEpoch() {
        List<Integer> levels = List.of(2, 0, 1, 0, 2, 1, 0, 3);
        ExampleOrder order = ExampleOrder.curriculum(3, levels, l -> l);
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] indices = order.slice(epoch * 8L, 8);
            for (int i = 1; i < indices.length; i++) {
                assertTrue(levels.get(indices[i - 1]) <= levels.get(indices[i]), "epoch " + epoch + ": " + Arrays.toString(indices));
            }
        }
    }
}
