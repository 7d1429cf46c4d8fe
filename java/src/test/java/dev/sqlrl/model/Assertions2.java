package dev.sqlrl.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Numeric comparisons with messages that say where and by how much. */
final class Assertions2 {
    private Assertions2() {}

    static float maxAbsDiff(float[] expected, float[] actual) {
        if (expected.length != actual.length) throw new AssertionError("lengths " + expected.length + " vs " + actual.length);
        float max = 0;
        for (int i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(expected[i] - actual[i]));
        return max;
    }

    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        float d = maxAbsDiff(expected, actual);
        assertTrue(d <= tolerance, what + ": max abs diff " + d + " > " + tolerance);
    }

    static double relativeL2(float[] expected, float[] actual) {
        double num = 0, den = 0;
        for (int i = 0; i < expected.length; i++) {
            num += Math.pow(expected[i] - actual[i], 2);
            den += Math.pow(expected[i], 2);
        }
        return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
    }
}
