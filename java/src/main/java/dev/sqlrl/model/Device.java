package dev.sqlrl.model;

import dev.sqlrl.UserInputException;
import dev.sqlrl.bindings.SqlrlNative;
import java.util.Locale;

/** Where the native model lives. */
public enum Device {
    CPU(SqlrlNative.DEVICE_CPU),
    CUDA(SqlrlNative.DEVICE_CUDA);

    final int code;

    Device(int code) {
        this.code = code;
    }

    public static Device parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("unknown device '" + s + "' (cpu, cuda)");
        }
    }
}
