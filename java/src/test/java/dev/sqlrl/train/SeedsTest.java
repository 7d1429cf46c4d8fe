package dev.sqlrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedsTest {
    @Test
    void derivedSeedsAreStableAndDistinct() {
        assertEquals(Seeds.derive(7, 3, 10), Seeds.derive(7, 3, 10));
        Set<Long> seen = new HashSet<>();
        for (long stream = 0; stream < 8; stream++) {
            for (long step = 0; step < 500; step++) {
                seen.add(Seeds.derive(7, stream, step));
            }
        }
        assertEquals(8 * 500, seen.size());
        assertNotEquals(Seeds.derive(7, 1, 2), Seeds.derive(7, 2, 1), "order of the parts matters");
        assertNotEquals(Seeds.derive(7, 1), Seeds.derive(8, 1));
    }
}
