package dev.sqlrl.train;

/**
 * Seeds derived from the run seed and a position (stage, step, micro-batch...), so that nothing random
 * carries state from one step to the next and a resumed run draws exactly what an uninterrupted one
 * would have drawn.
 */
public final class Seeds {
    private Seeds() {}

    /** A well-mixed 64-bit seed of (run seed, parts...): SplitMix64's finalizer over each part in turn. */
    public static long derive(long seed, long... parts) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (long part : parts) {
            h = mix(h + 0x9E3779B97F4A7C15L + part);
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
