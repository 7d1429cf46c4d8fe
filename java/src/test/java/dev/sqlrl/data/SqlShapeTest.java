package dev.sqlrl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SqlShapeTest {
    @Test
    void countsJoinsNestingAndSetOperations() {
        assertEquals(Optional.of(new SqlShape(0, 0, 0)), SqlShape.of("SELECT count(*) FROM singer"));
        assertEquals(Optional.of(new SqlShape(2, 0, 0)),
                SqlShape.of("SELECT a.x FROM a JOIN b ON a.id = b.id JOIN c ON c.id = b.id"));
        assertEquals(Optional.of(new SqlShape(1, 0, 0)), SqlShape.of("SELECT * FROM a, b WHERE a.id = b.id"), "comma join");
        assertEquals(Optional.of(new SqlShape(0, 1, 0)),
                SqlShape.of("SELECT name FROM t WHERE age > (SELECT avg(age) FROM t)"));
        assertEquals(Optional.of(new SqlShape(0, 0, 1)), SqlShape.of("SELECT a FROM t INTERSECT SELECT a FROM u"),
                "set-operation branches are not nesting");
        assertEquals(Optional.of(new SqlShape(0, 1, 1)),
                SqlShape.of("SELECT a FROM t WHERE a NOT IN (SELECT a FROM v) EXCEPT SELECT a FROM u"));
        assertTrue(SqlShape.of("SELEC a FRM t").isEmpty());
    }
}
