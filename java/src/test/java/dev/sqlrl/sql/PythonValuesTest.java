package dev.sqlrl.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Expected strings are what CPython 3 prints for the same values. */
class PythonValuesTest {

    @Test
    void floatsPrintAsPythonRepr() {
        double[] values = {1.0, 0.1, 1e16, 1e15, 0.0001, 0.00001, 123456789.123, -0.0, 1.5e-10, 2.5e300,
            Double.POSITIVE_INFINITY, 1.0 / 3, 6.666666666666666e19, Double.MIN_VALUE, Double.MAX_VALUE, 100.0,
            12345678901234567.0, 0.1 + 0.2, 2e-323, 1e23, 9e-322, 0.5};
        String[] python = {"1.0", "0.1", "1e+16", "1000000000000000.0", "0.0001", "1e-05", "123456789.123", "-0.0", "1.5e-10",
            "2.5e+300", "inf", "0.3333333333333333", "6.666666666666666e+19", "5e-324", "1.7976931348623157e+308", "100.0",
            "1.2345678901234568e+16", "0.30000000000000004", "2e-323", "1e+23", "9e-322", "0.5"};
        for (int i = 0; i < values.length; i++) {
            assertEquals(python[i], PythonValues.str(values[i]), "repr of " + values[i]);
        }
    }

    @Test
    void otherValuesPrintAsPythonStr() {
        assertEquals("None", PythonValues.str(null));
        assertEquals("-42", PythonValues.str(-42L));
        assertEquals("b'a\\x00\\'\"\\\\\\n\\xff'", PythonValues.str(new SqlBlob(new byte[] {'a', 0, '\'', '"', '\\', '\n', (byte) 0xff})));
        assertEquals("b\"it's\"", PythonValues.str(new SqlBlob("it's".getBytes())));
        assertEquals("1<class 'int'>", PythonValues.sortKey(1L));
        assertEquals("1.5<class 'float'>", PythonValues.sortKey(1.5));
    }

    @Test
    void intsEqualFloatsExactlyAndHashAlike() {
        assertTrue(PythonValues.equal(1L, 1.0));
        assertEquals(PythonValues.hash(1L), PythonValues.hash(1.0));
        assertTrue(PythonValues.equal(0L, -0.0));
        assertFalse(PythonValues.equal(1L, 1.5));
        assertFalse(PythonValues.equal(1L, "1"));
        assertFalse(PythonValues.equal("a", new SqlBlob("a".getBytes())));
        // Python compares int and float exactly: 2**53 + 1 != 2.0**53.
        assertFalse(PythonValues.equal((1L << 53) + 1, (double) (1L << 53)));
        assertTrue(PythonValues.equal(null, null));
        assertFalse(PythonValues.equal(null, 0L));
        assertEquals(new PythonValues.Tuple(Arrays.asList(1L, null)), new PythonValues.Tuple(Arrays.asList(1.0, null)));
    }

    @Test
    void stringsOrderByCodePoint() {
        // U+FF61 sorts below U+1F600 by code point, but above its surrogate pair by UTF-16 unit.
        assertTrue(PythonValues.compareCodePoints("\uFF61", "\uD83D\uDE00") < 0);
        assertTrue(PythonValues.compareCodePoints("ab", "abc") < 0);
        assertEquals(0, PythonValues.compareCodePoints("x", "x"));
    }
}
