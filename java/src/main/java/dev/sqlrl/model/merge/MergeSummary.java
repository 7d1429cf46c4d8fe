package dev.sqlrl.model.merge;

import java.nio.file.Path;
import java.util.List;

/**
 * What a merge wrote.
 *
 * @param outDir         the merged model folder
 * @param mergedWeights  base weights that received an adapter's delta, in file order
 * @param copiedTensors  tensors written unchanged
 * @param weightFiles    the safetensors files written (one, or the shards of a sharded input)
 * @param otherFiles     config, tokenizer and other files copied from the base model folder
 */
public record MergeSummary(Path outDir, List<String> mergedWeights, int copiedTensors, List<Path> weightFiles,
                           List<Path> otherFiles) {
    public MergeSummary {
        mergedWeights = List.copyOf(mergedWeights);
        weightFiles = List.copyOf(weightFiles);
        otherFiles = List.copyOf(otherFiles);
    }
}
