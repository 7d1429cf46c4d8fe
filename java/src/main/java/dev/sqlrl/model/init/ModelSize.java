package dev.sqlrl.model.init;

import dev.sqlrl.UserInputException;
import java.util.Locale;

/** Dimensions of the models `init-model` creates (tests and the CPU demo). */
public enum ModelSize {
    TINY(128, 384, 4, 4, 2, 1024),
    SMALL(256, 768, 6, 8, 2, 2048);

    public final int hidden;
    public final int intermediate;
    public final int layers;
    public final int heads;
    public final int kvHeads;
    public final int defaultVocab;

    ModelSize(int hidden, int intermediate, int layers, int heads, int kvHeads, int defaultVocab) {
        this.hidden = hidden;
        this.intermediate = intermediate;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.defaultVocab = defaultVocab;
    }

    public static ModelSize parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("unknown model size '" + s + "' (tiny, small)");
        }
    }
}
