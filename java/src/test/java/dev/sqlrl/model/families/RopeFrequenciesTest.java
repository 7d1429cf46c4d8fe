package dev.sqlrl.model.families;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.bindings.SqlrlNative;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.model.RopeScaling;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The native RoPE frequencies against transformers' formulas (ReferenceDecoder.inverseFrequencies, in double). */
class RopeFrequenciesTest {
    @BeforeAll
    static void needsNative() {
        NativeTests.assumeNative();
    }

    @Test
    void llama31ScalingMatchesTransformersInEveryRegion() {
        // Llama 3.1 8B: head_dim 128, rope_theta 500000, factor 8, low 1, high 4, original context 8192
        RopeScaling s = new RopeScaling(8, 1, 4, 8192);
        float[] got = nativeFrequencies(128, 500_000, s);
        double[] want = ReferenceDecoder.inverseFrequencies(128, 500_000, s);
        double[] plain = ReferenceDecoder.inverseFrequencies(128, 500_000, null);
        int unchanged = 0, divided = 0, smoothed = 0;
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 2e-6 * want[i], "inv_freq[" + i + "]");
            double ratio = want[i] / plain[i];
            if (Math.abs(ratio - 1) < 1e-12) unchanged++;
            else if (Math.abs(ratio - 1.0 / 8) < 1e-12) divided++;
            else smoothed++;
        }
        assertTrue(unchanged > 0 && divided > 0 && smoothed > 0, unchanged + " / " + divided + " / " + smoothed);
    }

    @Test
    void withoutScalingTheyAreTheDefaultOnes() {
        float[] got = nativeFrequencies(64, 1_000_000, null);
        double[] want = ReferenceDecoder.inverseFrequencies(64, 1_000_000, null);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-6 * want[i], "inv_freq[" + i + "]");
    }

    @Test
    void unusableScalingIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            int status = SqlrlNative.ropeInverseFrequencies(64, 10000, 8, 4, 4, 8192, arena.allocate(JAVA_FLOAT, 32));
            assertEquals(SqlrlNative.ERR_INVALID_ARGUMENT, status);
            assertTrue(SqlrlNative.lastError().contains("high_freq_factor"), SqlrlNative.lastError());
        }
    }

    private static float[] nativeFrequencies(int headDim, double theta, RopeScaling s) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_FLOAT, headDim / 2);
            NativeModel.check("sqlrl_rope_inverse_frequencies", s == null
                    ? SqlrlNative.ropeInverseFrequencies(headDim, theta, 0, 0, 0, 0, out)
                    : SqlrlNative.ropeInverseFrequencies(headDim, theta, s.factor(), s.lowFreqFactor(), s.highFreqFactor(),
                            s.originalMaxPositionEmbeddings(), out));
            return out.toArray(JAVA_FLOAT);
        }
    }
}
