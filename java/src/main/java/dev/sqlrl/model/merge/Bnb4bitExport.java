package dev.sqlrl.model.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.model.bnb.Bnb4bitWeight;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folder-level part of writing a bnb-4bit model as plain bf16: config.json without quantization_config (its
 * weights are bf16 now), and the shard index without the quant-state tensors that were dropped.
 */
final class Bnb4bitExport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Bnb4bitExport() {}

    static void unquantizeFolder(Path dir) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        config.remove("quantization_config");
        for (String key : new String[] {"torch_dtype", "dtype"}) {
            if (config.has(key)) config.put(key, "bfloat16");
        }
        rewrite(dir.resolve("config.json"), config);
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            ObjectNode root = (ObjectNode) JSON.readTree(index.toFile());
            if (root.get("weight_map") instanceof ObjectNode map) {
                map.properties().removeIf(e -> Bnb4bitWeight.isAuxiliary(e.getKey()));
            }
            rewrite(index, root);
        }
    }

    /** Replaces a copied file (which may have kept a read-only source's permissions). */
    private static void rewrite(Path file, ObjectNode content) throws IOException {
        Files.delete(file);
        JSON.writeValue(file.toFile(), content);
    }
}
