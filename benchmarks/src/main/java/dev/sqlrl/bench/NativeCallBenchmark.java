package dev.sqlrl.bench;

import dev.sqlrl.bindings.SqlrlNative;
import dev.sqlrl.model.Device;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.WeightMode;
import dev.sqlrl.perf.ModelShape;
import dev.sqlrl.perf.RandomModels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What crossing into libsqlrl costs, from nothing to a small real call: a bare FFM downcall, one LoRA
 * tensor read (arena, downcall, copy out), and the log-probs of one 16-token sequence on the tiny shape
 * (packing, downcall, libtorch dispatch of a 4-layer model, unpacking). A GRPO step makes a few hundred
 * such calls at most, so microseconds here are noise next to its seconds of GPU work.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class NativeCallBenchmark {
    private NativeModel model;
    private NativeModel.LoraTensor loraA;
    private final int[][] sequence = {{5, 17, 300, 42, 9, 1000, 3, 77, 12, 64, 2000, 8, 19, 23, 511, 6}};
    private final int[] promptLen = {8};

    @Setup
    public void setUp() {
        model = RandomModels.create(ModelShape.TINY, WeightMode.FP32, Device.CPU, false, 16, 1);
        loraA = model.loraTensors().get(0);
    }

    @TearDown
    public void tearDown() {
        model.close();
    }

    @Benchmark
    public int bareDowncall() {
        return SqlrlNative.abiVersion();
    }

    @Benchmark
    public float[] readOneLoraTensor() {
        return model.readLora(loraA, NativeModel.LoraBuffer.VALUE);
    }

    @Benchmark
    public float[][] logprobsOfOneTinySequence() {
        return model.logprobs(sequence, promptLen, true, 1.0, false);
    }
}
