package dev.sqlrl.model;

import dev.sqlrl.UserInputException;
import dev.sqlrl.bindings.SqlrlNative;
import java.util.Locale;

/** Which decode step generate runs (sqlrl_model_set_decode_step); model.decode_step in a config. */
public enum DecodeStep {
    /** Fused on the CPU; plain on CUDA until the fused step's CUDA kernels have been verified on a GPU. */
    AUTO(SqlrlNative.DECODE_STEP_AUTO),
    /** Norms, RoPE with the K/V store, attention and the SwiGLU gate one call each; a prompt's samples read its one prefill. */
    FUSED(SqlrlNative.DECODE_STEP_FUSED),
    /** The tensor-op step over a cache copied to every sample. */
    PLAIN(SqlrlNative.DECODE_STEP_PLAIN);

    final int code;

    DecodeStep(int code) {
        this.code = code;
    }

    static DecodeStep of(int code) {
        for (DecodeStep step : values()) {
            if (step.code == code) return step;
        }
        throw new IllegalStateException("unknown decode step code " + code);
    }

    public static DecodeStep parse(String s, String option) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserInputException(option + ": unknown decode step '" + s + "' (auto, fused, plain)");
        }
    }
}
