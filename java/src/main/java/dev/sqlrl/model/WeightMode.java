package dev.sqlrl.model;

import dev.sqlrl.UserInputException;
import dev.sqlrl.bindings.SqlrlNative;
import java.util.Locale;

/** How the frozen base weights of the decoder's linear layers are stored in native memory. */
public enum WeightMode {
    FP32(SqlrlNative.WEIGHTS_FP32),
    BF16(SqlrlNative.WEIGHTS_BF16),
    NF4(SqlrlNative.WEIGHTS_NF4);

    final int code;

    WeightMode(int code) {
        this.code = code;
    }

    public static WeightMode parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("unknown weight mode '" + s + "' (fp32, bf16, nf4)");
        }
    }
}
