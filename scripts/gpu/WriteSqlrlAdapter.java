import dev.sqlrl.model.Device;
import dev.sqlrl.model.LoraConfig;
import dev.sqlrl.model.ModelLoader;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.PeftAdapter;
import dev.sqlrl.model.WeightMode;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes an adapter that only sqlrl has ever held, for check_interop.py: the fixture's PEFT adapter loaded,
 * every LoRA value moved by seeded noise (so peft cannot be reading values it wrote itself), saved by
 * PeftAdapter.save. Runs HERE, on the CPU build, before a GPU window (prepare-gpu-run.sh calls it):
 *   java -cp sqlrl.jar scripts/gpu/WriteSqlrlAdapter.java MODEL_DIR OUT_DIR
 */
public final class WriteSqlrlAdapter {
    public static void main(String[] args) {
        Path model = Path.of(args[0]);
        Path out = Path.of(args[1]);
        try (NativeModel m = ModelLoader.load(model, WeightMode.FP32, Device.CPU)) {
            LoraConfig config = PeftAdapter.load(m, model.resolve("adapter"));
            Random noise = new Random(15);
            for (NativeModel.LoraTensor t : m.loraTensors()) {
                float[] values = m.readLora(t, NativeModel.LoraBuffer.VALUE);
                double scale = 0;
                for (float v : values) scale = Math.max(scale, Math.abs(v));
                for (int i = 0; i < values.length; i++) values[i] += (float) (0.5 * scale * noise.nextGaussian());
                m.writeLora(t, NativeModel.LoraBuffer.VALUE, values);
            }
            PeftAdapter.save(m, config, out, model.toString());
        }
        System.out.println("wrote " + out);
    }
}
