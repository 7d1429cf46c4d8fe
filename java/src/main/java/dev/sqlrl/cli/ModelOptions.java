package dev.sqlrl.cli;

import dev.sqlrl.model.Device;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.NativeRuntime;
import dev.sqlrl.model.PeftAdapter;
import dev.sqlrl.model.WeightMode;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that load a model: folder, adapter, weight mode, device, threads. */
public final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face model folder.")
    Path model;

    @Option(names = "--adapter", paramLabel = "DIR", description = "PEFT LoRA adapter folder to apply (default: none, the base model alone).")
    Path adapter;

    @Option(names = "--weights", defaultValue = "fp32", paramLabel = "MODE",
            description = "Base weight storage: fp32, bf16 or nf4 (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads for native math; 0 is the library default (default: ${DEFAULT-VALUE}).")
    int threads;

    /** Loads the model and, if given, its adapter (enabled). */
    NativeModel load() {
        if (threads > 0) NativeRuntime.setThreads(threads);
        NativeModel m = ModelLoader.load(model, WeightMode.parse(weights), Device.parse(device));
        try {
            if (adapter != null) PeftAdapter.load(m, adapter);
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }
}
