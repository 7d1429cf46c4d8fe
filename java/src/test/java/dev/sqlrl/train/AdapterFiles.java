package dev.sqlrl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.model.safetensors.SafetensorsFile;
import java.nio.file.Path;

/** Comparing the adapters two runs saved: the same tensors, values within a tolerance. */
public final class AdapterFiles {
    private AdapterFiles() {}

    /** Fails unless the PEFT adapter folders hold the same tensors with every value within {@code tolerance}. */
    public static void assertClose(Path adapterA, Path adapterB, double tolerance) {
        try (SafetensorsFile a = SafetensorsFile.open(adapterA.resolve("adapter_model.safetensors"));
             SafetensorsFile b = SafetensorsFile.open(adapterB.resolve("adapter_model.safetensors"))) {
            assertEquals(a.tensors().keySet(), b.tensors().keySet());
            double largest = 0;
            for (String name : a.tensors().keySet()) {
                float[] x = a.floats(name), y = b.floats(name);
                for (int i = 0; i < x.length; i++) largest = Math.max(largest, Math.abs(x[i] - y[i]));
            }
            assertTrue(largest < tolerance, "adapters " + adapterA + " and " + adapterB + " differ by up to " + largest);
        }
    }
}
