package dev.sqlrl.model.bnb;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlrl.TestPaths;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeTests;
import dev.sqlrl.model.WeightMode;
import dev.sqlrl.model.families.TinyFamilyModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A bnb-4bit folder saved by transformers itself (tiny-llama3-bnb-4bit, made by
 * scripts/reference/make_family_fixtures.py where bitsandbytes runs) gives the logits of transformers' quantized
 * model: its fp32 compute dequantizes to exactly the values sqlrl restores. Pending until the fixture is there.
 */
class Bnb4bitReferenceTest {
    @ParameterizedTest
    @EnumSource(value = WeightMode.class, names = {"FP32", "NF4"})
    void logitsMatchTransformersQuantizedModel(WeightMode mode) throws Exception {
        NativeTests.assumeNative();
        Path dir = TestPaths.reference("tiny-llama3-bnb-4bit");
        assumeTrue(Files.isDirectory(dir), "pending: " + dir + " not there yet; make it with"
                + " scripts/reference/make_family_fixtures.py where transformers, peft and bitsandbytes are installed");
        JsonNode ref = TinyFamilyModel.JSON.readTree(dir.resolve("reference.json").toFile());
        try (NativeModel model = ModelLoader.load(dir, mode, Device.CPU)) {
            int vocab = model.config().vocabSize();
            for (int i = 0; i < ref.get("prompts").size(); i++) {
                JsonNode p = ref.get("prompts").get(i);
                int[] prompt = new int[p.size()];
                for (int j = 0; j < prompt.length; j++) prompt[j] = p.get(j).asInt();
                float[] got = model.logits(new int[][] {prompt}, false)[0];
                double worst = 0;
                for (int t = 0; t < prompt.length; t++) {
                    for (int v = 0; v < vocab; v++) {
                        worst = Math.max(worst, Math.abs(got[t * vocab + v] - ref.get("logits").get(i).get(t).get(v).asDouble()));
                    }
                }
                assertTrue(worst < 1e-4, "prompt " + i + ": max abs diff " + worst);
            }
        }
    }
}
