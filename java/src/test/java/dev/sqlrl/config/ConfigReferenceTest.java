package dev.sqlrl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
    @Test
    void committedReadmeEqualsTheGeneratedReference() throws IOException {
        Path readme = ConfigFiles.folder().resolve("README.md");
        String generated = ConfigReference.markdown();
        if (Boolean.getBoolean("sqlrl.config.regenerate")) Files.writeString(readme, generated);
        assertEquals(generated, Files.readString(readme), "configs/README.md is out of date; regenerate it with "
                + "-Dsqlrl.config.regenerate=true (see the comment at its top)");
    }

    @Test
    void everyKeyOfEverySectionIsDocumented() {
        String markdown = ConfigReference.markdown();
        assertKeysListed(markdown, "", RunConfig.class);
    }

    @Test
    void rowsShowTypeDefaultAndAllowedValues() {
        String markdown = ConfigReference.markdown();
        assertTrue(markdown.contains("| `grpo.num_generations` | integer | `8` | >= 2 |"), markdown);
        assertTrue(markdown.contains("| `grpo.eps_low` | number | `0.2` | (0, 1) |"), markdown);
        assertTrue(markdown.contains("| `grpo.loss_type` | enum | `dapo` | grpo, bnpo, dr_grpo, dapo |"), markdown);
        assertTrue(markdown.contains("| `model.path` | path | required |"), markdown);
        assertTrue(markdown.contains("| `grpo` | section | absent |"), markdown);
        assertTrue(markdown.contains("| `grpo.optimizer.lr` | number | `1.0E-5` |"), markdown);
        assertTrue(markdown.contains("| `sft.optimizer.lr` | number | `2.0E-4` |"), markdown);
    }

    private static void assertKeysListed(String markdown, String path, Class<?> section) {
        for (RecordComponent component : section.getRecordComponents()) {
            String key = ConfigBinder.join(path, ConfigSchema.keyName(component));
            assertTrue(markdown.contains("| `" + key + "` |"), "no row for " + key);
            if (component.getType().isRecord()) assertKeysListed(markdown, key, component.getType());
        }
    }
}
