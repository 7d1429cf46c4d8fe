package dev.sqlrl.model;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Tests that need libsqlrl are skipped when the build skipped it (-Dsqlrl.native.skip=true). */
public final class NativeTests {
    private NativeTests() {}

    public static void assumeNative() {
        assumeFalse(Boolean.getBoolean("sqlrl.native.skip"), "native library not built (-Dsqlrl.native.skip=true)");
    }
}
