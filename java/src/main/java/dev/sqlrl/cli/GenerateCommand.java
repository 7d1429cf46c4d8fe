package dev.sqlrl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.model.Completion;
import dev.sqlrl.model.DecodeStep;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.SamplingParams;
import dev.sqlrl.model.tokenizer.TextTokenizer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `sqlrl generate`: greedy or sampled completions of one prompt. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl generate --model runs/demo-X/model --prompt \"How many staff are there?\" --greedy --max-new-tokens 64"},
        name = "generate", mixinStandardHelpOptions = true,
        description = "Generate completions of a prompt (text, tokenized with the model's tokenizer, or token ids).")
public final class GenerateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ModelOptions modelOptions;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "Prompt text (used as is; no chat template).")
        String text;

        @Option(names = "--token-ids", split = ",", paramLabel = "ID", description = "Prompt token ids, e.g. 1,2,3.")
        List<Integer> ids;
    }

    @Option(names = "--greedy", description = "Greedy decoding (ignores the sampling options).")
    boolean greedy;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the sampler: the same seed gives the same samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-new-tokens", required = true, paramLabel = "N",
            description = "Tokens generated at most per sample (generation also stops at the model's end-of-sequence ids).")
    int maxNewTokens;

    @Option(names = "--num-samples", defaultValue = "1", paramLabel = "K",
            description = "Samples generated from the prompt, sharing its prefill (default: ${DEFAULT-VALUE}).")
    int numSamples;

    @Option(names = "--ignore-eos", description = "Do not stop at the model's end-of-sequence ids.")
    boolean ignoreEos;

    @Option(names = "--json", description = "Print the result as JSON on the last line.")
    boolean json;

    @Option(names = "--cuda-graphs",
            description = "Record the decode step once as a CUDA graph and replay it (CUDA only; ignored on the CPU).")
    boolean cudaGraphs;

    @Option(names = "--decode-step", defaultValue = "auto", paramLabel = "STEP",
            description = "fused, plain or auto (fused on the CPU, plain on CUDA until the fused CUDA kernels are"
                    + " verified); see model.decode_step (default: ${DEFAULT-VALUE}).")
    String decodeStep;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(modelOptions.model)) throw new UserInputException("model folder not found: " + modelOptions.model);
        boolean hasTokenizer = Files.isRegularFile(modelOptions.model.resolve("tokenizer.json"));
        if (input.text != null && !hasTokenizer) {
            throw new UserInputException("--prompt needs " + modelOptions.model.resolve("tokenizer.json")
                    + "; give --token-ids instead");
        }
        SamplingParams params;
        try (NativeModel model = modelOptions.load();
             TextTokenizer tokenizer = hasTokenizer ? TextTokenizer.load(modelOptions.model, model.config().vocabSize()) : null) {
            int[] prompt = input.text != null ? tokenizer.encode(input.text)
                    : input.ids.stream().mapToInt(Integer::intValue).toArray();
            if (prompt.length == 0) throw new UserInputException("the prompt is empty");
            model.setCudaGraphs(cudaGraphs);
            model.setDecodeStep(DecodeStep.parse(decodeStep, "--decode-step"));
            List<Integer> stops = ignoreEos ? List.of() : model.config().eosTokenIds();
            try {
                params = greedy ? new SamplingParams(true, 1.0, 0, 1.0, seed, maxNewTokens, numSamples, stops)
                        : new SamplingParams(false, sampling.temperature, sampling.topK, sampling.topP, seed, maxNewTokens,
                                numSamples, stops);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage());
            }
            List<Completion> completions = model.generate(new int[][] {prompt}, params, modelOptions.adapter != null);
            List<ObjectNode> samples = new ArrayList<>();
            for (Completion c : completions) {
                // the stop token that ended the answer is not part of its text (the token ids keep it)
                String text = tokenizer == null ? null : tokenizer.decode(withoutStop(c.tokens(), stops), false);
                if (!json) System.out.println(text != null ? text : java.util.Arrays.toString(c.tokens()));
                samples.add(sampleJson(c, text));
            }
            if (json) {
                if (samples.size() == 1) {
                    System.out.println(JSON.writeValueAsString(samples.get(0)));
                } else {
                    ObjectNode root = JSON.createObjectNode();
                    root.putArray("samples").addAll(samples);
                    System.out.println(JSON.writeValueAsString(root));
                }
            }
        }
        return 0;
    }

    private static int[] withoutStop(int[] tokens, List<Integer> stops) {
        return tokens.length > 0 && stops.contains(tokens[tokens.length - 1]) ? Arrays.copyOf(tokens, tokens.length - 1) : tokens;
    }

    private static ObjectNode sampleJson(Completion c, String text) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode tokens = n.putArray("tokens");
        for (int t : c.tokens()) tokens.add(t);
        if (text == null) n.putNull("text");
        else n.put("text", text);
        ArrayNode lp = n.putArray("logprobs");
        for (float v : c.logprobs()) lp.add(v);
        return n;
    }
}
