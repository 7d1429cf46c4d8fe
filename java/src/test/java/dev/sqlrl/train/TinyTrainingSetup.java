package dev.sqlrl.train;

import dev.sqlrl.config.RunConfig;
import dev.sqlrl.config.RunConfigs;
import dev.sqlrl.demo.CpuDemo;
import dev.sqlrl.demo.company.CompanyDataset;
import dev.sqlrl.model.ModelConfig;
import dev.sqlrl.model.init.ModelInitializer;
import dev.sqlrl.model.init.ModelSize;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The demo's company data and a tiny model made for it, in a folder, with the demo config to train on them. */
public final class TinyTrainingSetup {
    private final Path dir;

    private TinyTrainingSetup(Path dir) {
        this.dir = dir;
    }

    public static TinyTrainingSetup create(Path dir) {
        CompanyDataset.Written data = CompanyDataset.write(dir.resolve("data"), 7);
        ModelInitializer.create(new ModelInitializer.Options(ModelConfig.Architecture.QWEN2, ModelSize.TINY,
                dir.resolve("model"), data.tokenizerCorpus(), 0, 7));
        return new TinyTrainingSetup(dir);
    }

    public Path modelDir() {
        return dir.resolve("model");
    }

    /** The built-in demo config pointed at this setup, with {@code overrides} on top. */
    public RunConfig config(String... overrides) throws IOException {
        String yaml;
        try (InputStream in = CpuDemo.class.getResourceAsStream(CpuDemo.CONFIG_RESOURCE)) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> all = new ArrayList<>(List.of("model.path=" + modelDir(), "data.path=" + dir.resolve("data"),
                "output_dir=" + dir.resolve("runs"), "logging.progress=false"));
        all.addAll(List.of(overrides));
        return RunConfigs.parse(yaml, "demo_cpu.yaml", dir, all);
    }
}
