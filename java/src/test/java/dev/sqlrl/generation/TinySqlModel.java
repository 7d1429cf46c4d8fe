package dev.sqlrl.generation;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.sqlrl.TestPaths;
import dev.sqlrl.data.ChatTemplate;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.PromptBuilder;
import dev.sqlrl.data.PromptTemplate;
import dev.sqlrl.data.SchemaSerializer;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.WeightMode;
import dev.sqlrl.model.init.ModelInitializer;
import dev.sqlrl.model.init.ModelSize;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import java.nio.file.Path;

/** A random tiny Qwen2 model made by init-model, loaded with its tokenizer and a prompt builder for it. */
public record TinySqlModel(Path dir, NativeModel model, TextTokenizer tokenizer, PromptBuilder prompts)
        implements AutoCloseable {

    public static TinySqlModel create(Path dir) {
        assumeFalse(Boolean.getBoolean("sqlrl.native.skip"), "native library not built (-Dsqlrl.native.skip=true)");
        ModelInitializer.create(new ModelInitializer.Options(ModelConfig.Architecture.QWEN2, ModelSize.TINY, dir, null, 0, 1));
        NativeModel model = ModelLoader.load(dir, WeightMode.FP32, Device.CPU);
        TextTokenizer tokenizer = TextTokenizer.load(dir, model.config().vocabSize());
        // No sample values: shorter prompts keep the CPU tests fast.
        PromptBuilder prompts = new PromptBuilder(PromptTemplate.load(PromptTemplate.DEFAULT_ID),
                ChatTemplate.fromModelDir(dir), new SchemaSerializer(new SchemaSerializer.Options(true, 0, 40)));
        return new TinySqlModel(dir, model, tokenizer, prompts);
    }

    /** The Spider sample's train split (../shared/spider-sample). */
    public static Dataset spiderSample() {
        return DatasetLoader.load(TestPaths.shared().resolve("spider-sample"), "train");
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
