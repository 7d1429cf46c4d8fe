package dev.sqlrl.model.safetensors;

import java.util.Locale;

/** Element types of safetensors files that sqlrl reads and writes. */
public enum TensorDtype {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int bytes;

    TensorDtype(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** The safetensors spelling ("F32", "BF16", ...), or null when unknown. */
    public static TensorDtype parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
