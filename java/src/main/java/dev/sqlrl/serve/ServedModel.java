package dev.sqlrl.serve;

import dev.sqlrl.data.ChatTemplate;
import dev.sqlrl.data.PromptBuilder;
import dev.sqlrl.generation.StopTokens;
import dev.sqlrl.model.Completion;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.SamplingParams;
import dev.sqlrl.model.StepListener;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import dev.sqlrl.train.PromptSettings;
import java.nio.file.Path;
import java.util.List;

/**
 * The model a server answers with, and how it is asked: the prompt builder and chat template of its training run
 * (dev.sqlrl.train.PromptSettings), the stop ids, the prompt length limit. Generation runs with the adapter on.
 *
 * @param name shown as the model of chat completions
 */
public record ServedModel(String name, NativeModel model, TextTokenizer tokenizer, PromptBuilder prompts,
                          ChatTemplate chatTemplate, int maxPromptTokens) implements BatchModel, AutoCloseable {

    /** The model asked as its training run asked it: that run's prompt builder and chat template. */
    public static ServedModel of(String name, NativeModel model, TextTokenizer tokenizer, Path modelDir, PromptSettings settings) {
        ChatTemplate chat = settings.chatTemplate(modelDir, tokenizer, model.config().eosTokenIds());
        return new ServedModel(name, model, tokenizer, settings.builder(chat), chat, settings.prompt().maxPromptTokens());
    }

    public List<Integer> stopIds() {
        return StopTokens.of(model.config(), tokenizer);
    }

    @Override
    public List<Completion> generate(int[][] promptTokens, SamplingParams params, StepListener listener) {
        return model.generate(promptTokens, params, true, listener);
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
