package dev.sqlrl.model.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Writes tokenizer.json (byte-level BPE, the Qwen2 layout) and tokenizer_config.json with a chat template. */
public final class TokenizerFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** ChatML, as Qwen2 models use it; a default system message when the conversation has none. */
    public static final String CHATML_TEMPLATE =
            "{% for message in messages %}"
            + "{% if loop.first and messages[0]['role'] != 'system' %}"
            + "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
            + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private TokenizerFiles() {}

    public static void writeTokenizerJson(ByteLevelBpeTrainer.Vocabulary v, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String s : v.specialTokens()) {
            ObjectNode t = added.addObject();
            t.put("id", v.vocab().get(s));
            t.put("content", s);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false, true));
        root.set("post_processor", byteLevel(false, false));
        root.set("decoder", byteLevel(false, false));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (Map.Entry<String, Integer> e : v.vocab().entrySet()) {
            if (!v.specialTokens().contains(e.getKey())) vocab.put(e.getKey(), e.getValue());
        }
        ArrayNode merges = model.putArray("merges");
        for (String[] m : v.merges()) merges.add(m[0] + " " + m[1]);
        JSON.writeValue(file.toFile(), root);
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean useRegex) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", addPrefixSpace);
        n.put("trim_offsets", false);
        n.put("use_regex", useRegex);
        return n;
    }

    public static void writeTokenizerConfig(ByteLevelBpeTrainer.Vocabulary v, String eosToken, String padToken,
                                            int maxLength, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("add_prefix_space", false);
        ObjectNode decoder = root.putObject("added_tokens_decoder");
        for (String s : v.specialTokens()) {
            ObjectNode t = decoder.putObject(String.valueOf(v.vocab().get(s)));
            t.put("content", s);
            t.put("lstrip", false);
            t.put("normalized", false);
            t.put("rstrip", false);
            t.put("single_word", false);
            t.put("special", true);
        }
        root.putNull("bos_token");
        root.put("chat_template", CHATML_TEMPLATE);
        root.put("clean_up_tokenization_spaces", false);
        root.put("eos_token", eosToken);
        root.put("errors", "replace");
        root.put("model_max_length", maxLength);
        root.put("pad_token", padToken);
        root.put("split_special_tokens", false);
        root.put("tokenizer_class", "PreTrainedTokenizerFast");
        JSON.writeValue(file.toFile(), root);
    }
}
