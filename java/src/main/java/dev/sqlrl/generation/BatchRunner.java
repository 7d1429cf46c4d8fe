package dev.sqlrl.generation;

import dev.sqlrl.model.Completion;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Who runs a generation's batches: this process, one after the other ({@link #LOCAL}), or data-parallel ranks that
 * each run a block of them and exchange the completions, so that every rank ends with all of them.
 */
@FunctionalInterface
public interface BatchRunner {
    /** Every batch's completions, batch 0 first; {@code generate} runs batch b here. */
    List<List<Completion>> run(int batches, IntFunction<List<Completion>> generate);

    BatchRunner LOCAL = (batches, generate) -> {
        List<List<Completion>> out = new ArrayList<>(batches);
        for (int b = 0; b < batches; b++) out.add(generate.apply(b));
        return out;
    };
}
