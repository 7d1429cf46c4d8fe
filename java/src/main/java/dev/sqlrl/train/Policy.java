package dev.sqlrl.train;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.ModelSection;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.data.ChatMessage;
import dev.sqlrl.data.ChatTemplate;
import dev.sqlrl.data.Prompt;
import dev.sqlrl.data.PromptBuilder;
import dev.sqlrl.generation.StopTokens;
import dev.sqlrl.model.LoraConfig;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeRuntime;
import dev.sqlrl.model.PeftAdapter;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The model being trained with everything that turns examples into its tokens: the native model with
 * LoRA adapters, the tokenizer, the prompt builder (template + chat template + schema serializer) and
 * the ids that end a completion. Owns the native model and the tokenizer.
 */
public final class Policy implements AutoCloseable {
    private final Path modelDir;
    private final NativeModel model;
    private final TextTokenizer tokenizer;
    private final PromptBuilder prompts;
    private final ChatTemplate chatTemplate;
    private final LoraConfig lora;
    private final List<Integer> stopIds;

    private Policy(Path modelDir, NativeModel model, TextTokenizer tokenizer, PromptBuilder prompts,
                   ChatTemplate chatTemplate, LoraConfig lora) {
        this.modelDir = modelDir;
        this.model = model;
        this.tokenizer = tokenizer;
        this.prompts = prompts;
        this.chatTemplate = chatTemplate;
        this.lora = lora;
        this.stopIds = StopTokens.of(model.config(), tokenizer);
    }

    /** Loads the base model of the run; adapters are attached by {@link #attachNewAdapters} or {@link #loadAdapters}. */
    public static Policy load(RunConfig config) {
        ModelSection section = config.model();
        Path dir = section.path();
        if (dir == null) {
            throw new UserInputException("model.path is not set: give it in the config or with --model DIR");
        }
        if (!Files.isDirectory(dir)) {
            throw new UserInputException("model folder not found: " + dir + " (model.path / --model)");
        }
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new UserInputException("training needs a tokenizer, but " + dir.resolve("tokenizer.json") + " is missing");
        }
        if (section.threads() > 0) {
            NativeRuntime.setThreads(section.threads());
        }
        return around(config, ModelLoader.load(dir, section.weights(), section.device()));
    }

    /**
     * The run's policy around a model built elsewhere (the benchmarks' random weights of a named shape):
     * tokenizer and prompts from config.model().path(), the model's settings from the model section.
     * Takes ownership of the model (closed here if this fails).
     */
    public static Policy around(RunConfig config, NativeModel model) {
        ModelSection section = config.model();
        Path dir = section.path();
        try {
            model.setCheckpointing(section.gradientCheckpointing());
            model.setLogprobChunk(section.logprobChunk());
            model.setDenseSampling(section.denseSampling().mode());
            model.setCudaGraphs(section.cudaGraphs());
            model.setDecodeStep(section.decodeStep());
            TextTokenizer tokenizer = TextTokenizer.load(dir, model.config().vocabSize());
            PromptSettings settings = PromptSettings.of(config, "run config");
            ChatTemplate chatTemplate = settings.chatTemplate(dir, tokenizer, model.config().eosTokenIds());
            PromptBuilder prompts = settings.builder(chatTemplate);
            var l = config.lora();
            return new Policy(dir, model, tokenizer, prompts, chatTemplate,
                    new LoraConfig(l.rank(), l.alpha(), l.targetModules(), l.dropout()));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Fresh adapters with PEFT's initialization (B = 0: the policy starts equal to the base model). */
    public void attachNewAdapters(long seed) {
        model.attachLora(lora, seed);
    }

    /**
     * Adapters from a PEFT folder (a checkpoint's, or an earlier stage's): rank, alpha and targets must be the
     * run's; dropout is the run's whatever the folder says.
     */
    public void loadAdapters(Path adapterDir) {
        LoraConfig found = PeftAdapter.readConfig(adapterDir);
        if (found.rank() != lora.rank() || found.alpha() != lora.alpha()
                || !Set.copyOf(found.targets()).equals(Set.copyOf(lora.targets()))) {
            throw new UserInputException(adapterDir + " holds rank-" + found.rank() + " adapters (alpha " + found.alpha()
                    + ") on " + found.targets() + ", but the run's lora section asks for rank " + lora.rank()
                    + " (alpha " + lora.alpha() + ") on " + lora.targets());
        }
        PeftAdapter.load(model, adapterDir, lora.dropout());
    }

    public void saveAdapters(Path adapterDir) {
        PeftAdapter.save(model, lora, adapterDir, modelDir.toString());
    }

    public NativeModel model() {
        return model;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public PromptBuilder prompts() {
        return prompts;
    }

    public List<Integer> stopIds() {
        return stopIds;
    }

    public Path modelDir() {
        return modelDir;
    }

    /**
     * The assistant turn that answers a prompt with {@code answer}: the chat template's rendering of the
     * whole conversation minus the rendering of the prompt, so that the end-of-turn marker is the
     * template's own.
     */
    public String assistantTurn(Prompt prompt, String answer) {
        List<ChatMessage> messages = new ArrayList<>(prompt.messages());
        messages.add(new ChatMessage("assistant", answer));
        String full = chatTemplate.render(messages, false);
        if (!full.startsWith(prompt.text())) {
            throw new UserInputException("the chat template of " + modelDir + " does not render a conversation as its prompt"
                    + " followed by the answer, so completion-only training cannot split them");
        }
        return full.substring(prompt.text().length());
    }

    @Override
    public void close() {
        try {
            tokenizer.close();
        } finally {
            model.close();
        }
    }
}
