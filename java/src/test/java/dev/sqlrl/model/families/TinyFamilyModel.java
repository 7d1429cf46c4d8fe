package dev.sqlrl.model.families;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.WeightLayout;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import dev.sqlrl.model.safetensors.SafetensorsWriter;
import dev.sqlrl.model.safetensors.TensorDtype;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A tiny random model folder of one family (config.json + model.safetensors), with every norm random too, so that
 * a misplaced or missing norm weight shows: what the family tests load into the native model and into
 * {@link ReferenceDecoder}. Dimensions: hidden 32, 4 heads over 2 kv heads, head_dim 8 unless the config says
 * otherwise, 2 layers, vocab 61.
 */
public final class TinyFamilyModel {
    public static final ObjectMapper JSON = new ObjectMapper();

    private TinyFamilyModel() {}

    /** The config.json of a family, before edits. */
    public static ObjectNode config(ModelConfig.Architecture arch) {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add(arch.className);
        n.put("model_type", arch.modelType);
        n.put("hidden_size", 32);
        n.put("intermediate_size", 48);
        n.put("num_hidden_layers", 2);
        n.put("num_attention_heads", 4);
        n.put("num_key_value_heads", 2);
        n.put("vocab_size", 61);
        n.put("rms_norm_eps", 1e-6);
        n.put("rope_theta", 10000.0);
        n.put("tie_word_embeddings", false);
        return n;
    }

    /** Writes the folder with random weights drawn from seed; edit changes the config first. */
    public static Path write(Path dir, ModelConfig.Architecture arch, long seed, Consumer<ObjectNode> edit) {
        ObjectNode config = config(arch);
        edit.accept(config);
        try {
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve("config.json").toFile(), config);
            ModelConfig parsed = ModelConfig.read(dir);
            writeWeights(dir, randomWeights(parsed, seed));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every tensor of the folder's model.safetensors as floats. */
    public static Map<String, float[]> readWeights(Path dir) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            for (String name : f.tensors().keySet()) out.put(name, f.floats(name));
        }
        return out;
    }

    static Map<String, float[]> randomWeights(ModelConfig c, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : WeightLayout.expected(c).entrySet()) {
            long[] shape = e.getValue();
            float[] values = new float[Math.toIntExact(shape.length == 1 ? shape[0] : shape[0] * shape[1])];
            boolean norm = e.getKey().endsWith("norm.weight");
            double std = norm ? 0.3 : 1.0 / Math.sqrt(shape[shape.length - 1]);
            for (int i = 0; i < values.length; i++) values[i] = (float) ((norm ? 1.0 : 0.0) + std * random.nextGaussian());
            weights.put(e.getKey(), values);
        }
        return weights;
    }

    public static void writeWeights(Path dir, Map<String, float[]> weights) throws IOException {
        ModelConfig c = ModelConfig.read(dir);
        Map<String, long[]> shapes = WeightLayout.expected(c);
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        for (Map.Entry<String, float[]> e : weights.entrySet()) {
            writer.addFloats(e.getKey(), TensorDtype.F32, shapes.get(e.getKey()), e.getValue());
        }
        writer.write(dir.resolve("model.safetensors"));
    }
}
