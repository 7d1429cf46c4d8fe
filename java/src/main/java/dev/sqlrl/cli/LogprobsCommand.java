package dev.sqlrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.UserJsonFiles;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.safetensors.SafetensorsWriter;
import dev.sqlrl.model.safetensors.TensorDtype;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `sqlrl logprobs`: log-probs of given completion tokens; no tokenizer needed. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl logprobs --model ~/models/qwen2.5-0.5b --adapter runs/x/checkpoints/step-000100/adapter --input seqs.json --out logprobs.json"},
        name = "logprobs", mixinStandardHelpOptions = true,
        description = "Log-probs of the tokens at positions prompt_len..end of each sequence. "
                + "Input {\"sequences\": [[ids...]], \"prompt_lens\": [n...]}; output {\"logprobs\": [[...]]}.")
public final class LogprobsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--input", required = true, paramLabel = "SEQS.json",
            description = "JSON file {\"sequences\": [[token ids...]], \"prompt_lens\": [n...]}: the log-probs of each "
                    + "sequence's tokens after its first n are computed.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "OUT.json",
            description = "Where to write {\"logprobs\": [[...]]}, one list per sequence.")
    Path out;

    @Option(names = "--lora-grads-out", paramLabel = "GRADS.safetensors",
            description = "Also write the gradients of the summed completion log-probs w.r.t. every LoRA A and B "
                    + "(fp32, PEFT's key names, as the reference fixtures' adapter_grads.safetensors); needs --adapter (default: not "
                    + "written).")
    Path loraGradsOut;

    @Override
    public Integer call() throws IOException {
        Request request = readRequest(input);
        if (loraGradsOut != null && modelOptions.adapter == null) {
            throw new UserInputException("--lora-grads-out needs --adapter (the gradients are the adapter's)");
        }
        float[][] logprobs;
        try (NativeModel model = modelOptions.load()) {
            boolean grads = loraGradsOut != null;
            logprobs = model.logprobs(request.sequences(), request.promptLens(), modelOptions.adapter != null, 1.0, grads);
            if (grads) writeLoraGradients(model, logprobs, loraGradsOut);
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode all = root.putArray("logprobs");
        for (float[] row : logprobs) {
            ArrayNode a = all.addArray();
            for (float v : row) a.add(v);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        JSON.writeValue(out.toFile(), root);
        System.out.println("wrote " + out + " (" + logprobs.length + " sequences)");
        return 0;
    }

    /** d(sum of all completion log-probs)/d(each LoRA tensor), written as safetensors. */
    private static void writeLoraGradients(NativeModel model, float[][] logprobs, Path file) throws IOException {
        float[][] ones = new float[logprobs.length][];
        for (int i = 0; i < ones.length; i++) {
            ones[i] = new float[logprobs[i].length];
            Arrays.fill(ones[i], 1f);
        }
        model.zeroGrad();
        model.backward(ones);
        SafetensorsWriter writer = new SafetensorsWriter();
        for (NativeModel.LoraTensor t : model.loraTensors()) {
            writer.addFloats(t.name(), TensorDtype.F32, new long[] {t.rows(), t.cols()},
                    model.readLora(t, NativeModel.LoraBuffer.GRAD));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        writer.write(file);
        System.out.println("wrote " + file + " (" + model.loraTensors().size() + " LoRA gradients)");
    }

    record Request(int[][] sequences, int[] promptLens) {}

    static Request readRequest(Path file) {
        JsonNode root = UserJsonFiles.read(file);
        JsonNode seqs = root.path("sequences");
        JsonNode lens = root.path("prompt_lens");
        if (!seqs.isArray() || seqs.isEmpty()) throw new UserInputException(file + ": 'sequences' must be a non-empty list of id lists");
        if (!lens.isArray() || lens.size() != seqs.size()) {
            throw new UserInputException(file + ": 'prompt_lens' must be a list with one length per sequence (" + seqs.size() + ")");
        }
        int[][] sequences = new int[seqs.size()][];
        int[] promptLens = new int[seqs.size()];
        for (int i = 0; i < sequences.length; i++) {
            JsonNode s = seqs.get(i);
            if (!s.isArray()) throw new UserInputException(file + ": sequences[" + i + "] is not a list of ids");
            sequences[i] = new int[s.size()];
            for (int j = 0; j < s.size(); j++) {
                if (!s.get(j).canConvertToInt()) {
                    throw new UserInputException(file + ": sequences[" + i + "][" + j + "] is not an integer id: " + s.get(j));
                }
                sequences[i][j] = s.get(j).asInt();
            }
            promptLens[i] = lens.get(i).asInt(-1);
            if (promptLens[i] < 1 || promptLens[i] >= sequences[i].length) {
                throw new UserInputException(file + ": prompt_lens[" + i + "] = " + lens.get(i)
                        + " must be at least 1 and below the sequence length " + sequences[i].length);
            }
        }
        return new Request(sequences, promptLens);
    }
}
