package dev.sqlrl.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.TestPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Hugging Face outputs stored in ../shared/reference/MODEL/reference.json. */
record ReferenceFixture(Path dir, int[][] prompts, float[][][] logits, float[][][] logitsWithAdapter, int[][] greedy,
                        int[][] sequences, int[] promptLens, float[][] logprobsWithAdapter,
                        float[][] logprobsWithoutAdapter) {

    static ReferenceFixture load(String model) {
        Path dir = TestPaths.reference(model);
        assumeTrue(Files.isDirectory(dir), "pending: " + dir + " not there yet; make it with"
                + " scripts/reference/make_family_fixtures.py where transformers + peft are installed");
        try {
            JsonNode r = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
            return new ReferenceFixture(dir, ints2(r.get("prompts")), floats3(r.get("logits")),
                    floats3(r.get("logits_with_adapter")), ints2(r.get("greedy")), ints2(r.get("sequences")),
                    ints1(r.get("prompt_lens")), floats2(r.get("completion_logprobs_with_adapter")),
                    floats2(r.get("completion_logprobs_without_adapter")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path adapter() {
        return dir.resolve("adapter");
    }

    static int[] ints1(JsonNode n) {
        int[] a = new int[n.size()];
        for (int i = 0; i < a.length; i++) a[i] = n.get(i).asInt();
        return a;
    }

    static int[][] ints2(JsonNode n) {
        int[][] a = new int[n.size()][];
        for (int i = 0; i < a.length; i++) a[i] = ints1(n.get(i));
        return a;
    }

    static float[][] floats2(JsonNode n) {
        float[][] a = new float[n.size()][];
        for (int i = 0; i < a.length; i++) {
            a[i] = new float[n.get(i).size()];
            for (int j = 0; j < a[i].length; j++) a[i][j] = (float) n.get(i).get(j).asDouble();
        }
        return a;
    }

    /** [sequence][position][vocab] flattened per sequence to [position * vocab + v], as NativeModel.logits returns. */
    static float[][][] floats3(JsonNode n) {
        float[][][] a = new float[n.size()][][];
        for (int i = 0; i < a.length; i++) a[i] = floats2(n.get(i));
        return a;
    }

    static float[] flatten(float[][] rows) {
        int n = 0;
        for (float[] r : rows) n += r.length;
        float[] out = new float[n];
        int o = 0;
        for (float[] r : rows) {
            System.arraycopy(r, 0, out, o, r.length);
            o += r.length;
        }
        return out;
    }
}
