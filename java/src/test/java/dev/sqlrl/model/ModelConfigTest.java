package dev.sqlrl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.TestPaths;
import dev.sqlrl.UserInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsTheNewerLayoutOfTheFixtures() {
        ModelConfig q = ModelConfig.read(TestPaths.reference("tiny-qwen2"));
        assertEquals(ModelConfig.Architecture.QWEN2, q.architecture());
        assertEquals(1_000_000.0, q.ropeTheta());
        assertTrue(q.tieWordEmbeddings());
        assertEquals(16, q.headDim());
        assertEquals(List.of(), q.eosTokenIds());
        ModelConfig l = ModelConfig.read(TestPaths.reference("tiny-llama"));
        assertEquals(ModelConfig.Architecture.LLAMA, l.architecture());
        assertEquals(10_000.0, l.ropeTheta());
        assertEquals(List.of(2), l.eosTokenIds());
        assertEquals(2, l.numKvHeads());
    }

    @Test
    void readsTheOlderLayoutWithTopLevelRopeTheta() {
        ObjectNode n = base();
        n.put("rope_theta", 500000.0);
        assertEquals(500000.0, ModelConfig.parse(n, "config.json").ropeTheta());
    }

    @Test
    void errorsNameTheKey() {
        ObjectNode unknown = base();
        unknown.put("model_type", "gpt2");
        unknown.putArray("architectures").add("GPT2LMHeadModel");
        assertMessage(unknown, "unknown architecture");
        ObjectNode missing = base();
        missing.remove("hidden_size");
        assertMessage(missing, "missing key 'hidden_size'");
        ObjectNode negative = base();
        negative.put("vocab_size", -3);
        assertMessage(negative, "'vocab_size' must be a positive integer");
        ObjectNode gqa = base();
        gqa.put("num_key_value_heads", 3);
        assertMessage(gqa, "not a multiple of num_key_value_heads");
        ObjectNode rope = base();
        rope.putObject("rope_scaling").put("rope_type", "yarn");
        assertMessage(rope, "rope_type 'yarn' is not supported");
    }

    private static void assertMessage(ObjectNode n, String expected) {
        UserInputException e = assertThrows(UserInputException.class, () -> ModelConfig.parse(n, "x/config.json"));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("x/config.json"), e.getMessage());
    }

    private static ObjectNode base() {
        ObjectNode n = JSON.createObjectNode();
        n.put("model_type", "llama");
        n.put("hidden_size", 64);
        n.put("intermediate_size", 128);
        n.put("num_hidden_layers", 2);
        n.put("num_attention_heads", 4);
        n.put("num_key_value_heads", 2);
        n.put("vocab_size", 100);
        return n;
    }
}
