package dev.sqlrl.model.init;

import dev.sqlrl.UserInputException;
import dev.sqlrl.model.ModelConfig.Architecture;
import dev.sqlrl.model.RopeScaling;
import java.util.Arrays;
import java.util.Locale;

/**
 * The model families `init-model` can lay out: an architecture plus the config traits that set the family apart
 * (Llama 3's RoPE scaling and tied embeddings of its 1B/3B, CodeLlama's RoPE base 1e6, Qwen's tied embeddings).
 */
public enum ModelFamily {
    QWEN2(Architecture.QWEN2, true, 0, null),
    LLAMA(Architecture.LLAMA, false, 0, null),
    /** Llama 3.2 1B/3B: tied embeddings, rope_scaling of type llama3 with Meta's values. */
    LLAMA3(Architecture.LLAMA, true, 0, new RopeScaling(32.0, 1.0, 4.0, 8192)),
    CODELLAMA(Architecture.LLAMA, false, 1_000_000.0, null),
    QWEN3(Architecture.QWEN3, true, 0, null),
    MISTRAL(Architecture.MISTRAL, false, 0, null),
    PHI3(Architecture.PHI3, false, 0, null);

    public final Architecture architecture;
    final boolean tiedEmbeddings;
    /** The family's defining RoPE base, or 0 for init-model's default (see ModelInitializer). */
    final double ropeTheta;
    final RopeScaling ropeScaling;

    ModelFamily(Architecture architecture, boolean tiedEmbeddings, double ropeTheta, RopeScaling ropeScaling) {
        this.architecture = architecture;
        this.tiedEmbeddings = tiedEmbeddings;
        this.ropeTheta = ropeTheta;
        this.ropeScaling = ropeScaling;
    }

    /** The family of that name ("llama3", "phi3", ...); one line listing the names otherwise. */
    public static ModelFamily parse(String name) {
        for (ModelFamily f : values()) if (f.cliName().equalsIgnoreCase(name)) return f;
        throw new UserInputException("unknown architecture '" + name + "' (" + String.join(", ",
                Arrays.stream(values()).map(ModelFamily::cliName).toList()) + ")");
    }

    public static ModelFamily of(Architecture architecture) {
        return valueOf(architecture.name());
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
