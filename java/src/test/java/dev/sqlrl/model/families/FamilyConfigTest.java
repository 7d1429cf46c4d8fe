package dev.sqlrl.model.families;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.ModelConfig.Architecture;
import dev.sqlrl.model.RopeScaling;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config.json files of the models people train (src/test/resources/model-configs: the Hub's files, abridged to the
 * keys that matter), read as those families are, and the variants sqlrl refuses, each in one line naming the key.
 */
class FamilyConfigTest {
    @TempDir
    Path tmp;

    @Test
    void llama32IsTiedWithLlama3RopeScaling() {
        ModelConfig c = read("llama-3.2-1b-instruct");
        assertEquals(Architecture.LLAMA, c.architecture());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(new RopeScaling(32, 1, 4, 8192), c.ropeScaling());
        assertEquals(500_000.0, c.ropeTheta());
        assertEquals(64, c.headDim());
        assertEquals(new RopeScaling(8, 1, 4, 8192), read("llama-3.1-8b-instruct").ropeScaling());
    }

    @Test
    void codeLlamaIsLlamaWithRopeBaseOneMillion() {
        ModelConfig c = read("codellama-7b-instruct-hf");
        assertEquals(Architecture.LLAMA, c.architecture());
        assertEquals(1_000_000.0, c.ropeTheta());
        assertNull(c.ropeScaling());
        assertEquals(32016, c.vocabSize());
    }

    @Test
    void qwen3HasItsOwnHeadDim() {
        ModelConfig c = read("qwen3-0.6b");
        assertEquals(Architecture.QWEN3, c.architecture());
        assertEquals(128, c.headDim());  // not hidden / heads = 64
        assertTrue(c.tieWordEmbeddings());
        assertEquals(0, c.slidingWindow());
    }

    @Test
    void mistralHonoursItsSlidingWindow() {
        assertEquals(4096, read("mistral-7b-instruct-v0.1").slidingWindow());
        ModelConfig v03 = read("mistral-7b-instruct-v0.3");
        assertEquals(Architecture.MISTRAL, v03.architecture());
        assertEquals(0, v03.slidingWindow());
        assertEquals(1_000_000.0, v03.ropeTheta());
    }

    @Test
    void phi3Mini4kLoadsAndItsLongropeSiblingIsRefused() {
        ModelConfig c = read("phi-3-mini-4k-instruct");
        assertEquals(Architecture.PHI3, c.architecture());
        assertEquals(2047, c.slidingWindow());
        assertEquals(1e-5, c.rmsNormEps());
        assertOneLine(() -> read("phi-3-mini-128k-instruct"), "rope_scaling.rope_type 'longrope' is not supported");
    }

    @Test
    void bnb4bitQuantizationConfigIsRead() {
        ModelConfig c = read("llama-3.2-1b-instruct-bnb-4bit");
        assertTrue(c.quantization().doubleQuant());
        assertFalse(read("llama-3.2-1b-instruct").quantization() != null);
    }

    @Test
    void otherQuantizationsAreRefused() {
        assertOneLine(() -> edited("llama-3.2-1b-instruct-bnb-4bit", n -> ((ObjectNode) n.get("quantization_config"))
                .put("bnb_4bit_quant_type", "fp4")), "quantization_config.bnb_4bit_quant_type 'fp4' is not supported");
        assertOneLine(() -> edited("llama-3.2-1b-instruct-bnb-4bit", n -> ((ObjectNode) n.get("quantization_config"))
                .put("load_in_8bit", true).put("load_in_4bit", false)), "quantization_config.load_in_8bit = true");
        assertOneLine(() -> edited("llama-3.2-1b-instruct-bnb-4bit", n -> ((ObjectNode) n.get("quantization_config"))
                .put("quant_method", "gptq")), "quantization_config.quant_method 'gptq'");
    }

    @Test
    void otherRopeScalingsAreRefusedNamingKeyAndValue() {
        for (String type : new String[] {"yarn", "dynamic", "linear"}) {
            assertOneLine(() -> edited("llama-3.1-8b-instruct", n -> ((ObjectNode) n.get("rope_scaling")).put("rope_type", type)),
                    "rope_scaling.rope_type '" + type + "' is not supported");
        }
        assertOneLine(() -> edited("llama-3.1-8b-instruct", n -> {
            ObjectNode params = ((ObjectNode) n).putObject("rope_parameters");
            params.put("rope_type", "yarn").put("rope_theta", 1e6).put("factor", 4.0);
        }), "rope_parameters.rope_type 'yarn' is not supported");
        assertOneLine(() -> edited("llama-3.1-8b-instruct", n -> ((ObjectNode) n.get("rope_scaling")).remove("low_freq_factor")),
                "rope_scaling.low_freq_factor must be a positive number");
    }

    @Test
    void familyTraitsSqlrlDoesNotImplementAreRefused() {
        assertOneLine(() -> edited("qwen3-0.6b", n -> ((ObjectNode) n).put("attention_bias", true)),
                "attention_bias = true is not supported for qwen3");
        assertOneLine(() -> edited("qwen3-0.6b", n -> ((ObjectNode) n).put("use_sliding_window", true)),
                "use_sliding_window = true is not supported for qwen3");
        assertOneLine(() -> edited("qwen3-0.6b", n -> ((ObjectNode) n).putArray("layer_types").add("full_attention")
                .add("sliding_attention")), "layer_types entry 'sliding_attention' is not supported for qwen3");
        assertOneLine(() -> edited("phi-3-mini-4k-instruct", n -> ((ObjectNode) n).put("partial_rotary_factor", 0.5)),
                "partial_rotary_factor 0.5 is not supported");
        assertOneLine(() -> edited("mistral-7b-instruct-v0.3", n -> ((ObjectNode) n).put("hidden_act", "gelu")),
                "hidden_act 'gelu' is not supported");
    }

    private ModelConfig read(String name) {
        return edited(name, n -> { });
    }

    private ModelConfig edited(String name, Consumer<JsonNode> edit) {
        try (InputStream in = FamilyConfigTest.class.getResourceAsStream("/model-configs/" + name + ".json")) {
            JsonNode n = TinyFamilyModel.JSON.readTree(in);
            edit.accept(n);
            Path dir = Files.createDirectories(tmp.resolve(name + "-" + System.nanoTime()));
            TinyFamilyModel.JSON.writeValue(dir.resolve("config.json").toFile(), n);
            return ModelConfig.read(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertOneLine(org.junit.jupiter.api.function.Executable read, String expected) {
        UserInputException e = assertThrows(UserInputException.class, read);
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("config.json")
                && !e.getMessage().contains("\n"), e.getMessage());
    }
}
