package dev.sqlrl.cli;

import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.init.ModelFamily;
import dev.sqlrl.model.init.ModelInitializer;
import dev.sqlrl.model.init.ModelSize;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `sqlrl init-model`: a Hugging Face model folder with random weights and a small SQL-minded tokenizer. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl init-model --arch qwen2 --size tiny --out /tmp/tiny-model --tokenizer-corpus questions.txt"},
        name = "init-model", mixinStandardHelpOptions = true,
        description = "Create a model folder (config.json, model.safetensors, tokenizer.json, tokenizer_config.json, "
                + "generation_config.json) with random weights and a byte-level BPE tokenizer for English and SQL.")
public final class InitModelCommand implements Callable<Integer> {
    @Option(names = "--arch", required = true,
            description = "qwen2, llama, llama3 (tied embeddings, llama3 RoPE scaling), codellama (RoPE base 1e6), "
                    + "qwen3, mistral or phi3.")
    String arch;

    @Option(names = "--size", defaultValue = "tiny", description = "tiny or small (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (new or empty).")
    Path out;

    @Option(names = "--tokenizer-corpus", paramLabel = "FILE",
            description = "Text to train the tokenizer on (default: a built-in corpus of questions and SQL).")
    Path corpus;

    @Option(names = "--vocab-size", defaultValue = "0", paramLabel = "N",
            description = "Tokenizer vocabulary size; 0 takes the size's own (tiny 1024, small 2048) (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        ModelFamily a = ModelFamily.parse(arch);
        long start = System.nanoTime();
        ModelConfig c = ModelInitializer.create(new ModelInitializer.Options(a, ModelSize.parse(size), out, corpus,
                vocabSize, seed));
        System.out.printf("created %s model in %s: hidden %d, layers %d, heads %d/%d, vocab %d (%.1f s)%n",
                a.cliName(), out, c.hiddenSize(), c.numLayers(), c.numHeads(), c.numKvHeads(), c.vocabSize(),
                (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
