package dev.sqlrl.cli;

import static dev.sqlrl.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.TestPaths;
import dev.sqlrl.cli.CliRun.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stable CLI of the model commands, end to end through Main.run. */
class ModelCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void needsNative() {
        assumeFalse(Boolean.getBoolean("sqlrl.native.skip"), "native library not built");
    }

    /** The logprobs command's input file for a reference fixture's sequences. */
    private static Path writeSequences(JsonNode reference, Path file) throws Exception {
        JSON.writeValue(file.toFile(), JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set(
                "sequences", reference.get("sequences")).set("prompt_lens", reference.get("prompt_lens")));
        return file;
    }

    @Test
    void logprobsCommandReproducesTheReference() throws Exception {
        Path ref = TestPaths.reference("tiny-llama");
        JsonNode r = JSON.readTree(ref.resolve("reference.json").toFile());
        Path input = writeSequences(r, dir.resolve("seqs.json"));
        Path out = dir.resolve("out.json");
        Result res = run("logprobs", "--model", ref.toString(), "--adapter", ref.resolve("adapter").toString(),
                "--input", input.toString(), "--out", out.toString());
        assertEquals(0, res.code(), res.err());
        JsonNode got = JSON.readTree(out.toFile()).get("logprobs");
        JsonNode want = r.get("completion_logprobs_with_adapter");
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).size(), got.get(i).size());
            for (int j = 0; j < want.get(i).size(); j++) {
                assertEquals(want.get(i).get(j).asDouble(), got.get(i).get(j).asDouble(), 1e-4, "seq " + i + " pos " + j);
            }
        }
    }

    @Test
    void logprobsCommandWritesTheLoraGradientsOfTheReference() throws Exception {
        Path ref = TestPaths.reference("tiny-qwen2");
        Path input = writeSequences(JSON.readTree(ref.resolve("reference.json").toFile()), dir.resolve("seqs-grads.json"));
        Path grads = dir.resolve("grads.safetensors");
        Result res = run("logprobs", "--model", ref.toString(), "--adapter", ref.resolve("adapter").toString(),
                "--input", input.toString(), "--out", dir.resolve("lp.json").toString(), "--lora-grads-out", grads.toString());
        assertEquals(0, res.code(), res.err());
        try (var got = dev.sqlrl.model.safetensors.SafetensorsFile.open(grads);
             var want = dev.sqlrl.model.safetensors.SafetensorsFile.open(ref.resolve("adapter_grads.safetensors"))) {
            assertEquals(want.tensors().keySet(), got.tensors().keySet());
            for (String name : want.tensors().keySet()) {
                float[] w = want.floats(name), g = got.floats(name);
                double diff = 0, norm = 0;
                for (int i = 0; i < w.length; i++) {
                    diff += (w[i] - g[i]) * (double) (w[i] - g[i]);
                    norm += w[i] * (double) w[i];
                }
                assertTrue(Math.sqrt(diff / norm) <= 1e-4, name + ": relative L2 " + Math.sqrt(diff / norm));
            }
        }
        Result noAdapter = run("logprobs", "--model", ref.toString(), "--input", input.toString(), "--out",
                dir.resolve("lp2.json").toString(), "--lora-grads-out", grads.toString());
        assertEquals(2, noAdapter.code());
        assertTrue(noAdapter.err().contains("--lora-grads-out needs --adapter"), noAdapter.err());
    }

    @Test
    void generateFromTextAndTokenIds() throws Exception {
        Path model = dir.resolve("tiny");
        assertEquals(0, run("init-model", "--arch", "qwen2", "--out", model.toString()).code());
        Result greedy = run("generate", "--model", model.toString(), "--prompt", "SELECT name FROM", "--greedy",
                "--max-new-tokens", "6", "--ignore-eos", "--json");
        assertEquals(0, greedy.code(), greedy.err());
        JsonNode g = greedy.lastLineJson();
        assertEquals(6, g.get("tokens").size());
        assertEquals(6, g.get("logprobs").size());
        assertTrue(g.get("text").isTextual());
        Result sampled = run("generate", "--model", model.toString(), "--token-ids", "5,6,7", "--temperature", "0.8",
                "--top-p", "0.9", "--top-k", "50", "--seed", "3", "--max-new-tokens", "4", "--num-samples", "3", "--json");
        assertEquals(0, sampled.code(), sampled.err());
        JsonNode samples = sampled.lastLineJson().get("samples");
        assertEquals(3, samples.size());
        Result again = run("generate", "--model", model.toString(), "--token-ids", "5,6,7", "--temperature", "0.8",
                "--top-p", "0.9", "--top-k", "50", "--seed", "3", "--max-new-tokens", "4", "--num-samples", "3", "--json");
        assertEquals(samples, again.lastLineJson().get("samples"), "same seed, same samples");
        // --cuda-graphs records the same decode step: on the CPU it is ignored, on CUDA it must not change a token.
        Result graphs = run("generate", "--model", model.toString(), "--token-ids", "5,6,7", "--temperature", "0.8",
                "--top-p", "0.9", "--top-k", "50", "--seed", "3", "--max-new-tokens", "4", "--num-samples", "3", "--json",
                "--cuda-graphs");
        assertEquals(0, graphs.code(), graphs.err());
        assertEquals(samples, graphs.lastLineJson().get("samples"));
    }

    @Test
    void userErrorsAreOneLineWithExitCode2() throws Exception {
        Path input = Files.writeString(dir.resolve("bad.json"), "{\"sequences\": [[1, 2, 3]], \"prompt_lens\": [3]}");
        Result res = run("logprobs", "--model", TestPaths.reference("tiny-qwen2").toString(), "--input", input.toString(),
                "--out", dir.resolve("o.json").toString());
        assertEquals(2, res.code());
        assertTrue(res.err().contains("prompt_lens[0]") && !res.err().contains("\tat "), res.err());
        Result range = run("generate", "--model", TestPaths.reference("tiny-qwen2").toString(), "--token-ids", "1,999",
                "--greedy", "--max-new-tokens", "2");
        assertEquals(2, range.code());
        assertTrue(range.err().contains("999") && !range.err().contains("\tat "), range.err());
        if (!dev.sqlrl.model.NativeRuntime.cudaAvailable()) {
            Result cuda = run("generate", "--model", TestPaths.reference("tiny-qwen2").toString(), "--token-ids", "1,2",
                    "--greedy", "--max-new-tokens", "2", "--device", "cuda");
            assertEquals(2, cuda.code(), cuda.err());
            assertTrue(cuda.err().contains("cuda") && cuda.err().contains("cpu") && !cuda.err().contains("\tat "), cuda.err());
        }
        Result version = run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().contains("sqlrl") && version.out().contains("native: 0.1.0"), version.out());
    }
}
