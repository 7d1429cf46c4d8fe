package dev.sqlrl.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes RESULTS.jsonl: each predictions line as it was, in the same order, plus "ex", "em" (0/1),
 * "hardness", "error", "error_category"; vote@k lines also get "voted_index" and "votes"; BIRD data "soft_f1"
 * (0 to 1, {@link BirdSoftF1}) and, when measured, "rves_reward" ({@link BirdRves#reward(double)}'s buckets).
 */
public final class ResultsFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultsFile() {}

    public static void write(Path file, List<PairResult> results) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (PairResult result : results) {
                    writer.write(JSON.writeValueAsString(line(result)));
                    writer.newLine();
                }
            }
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot write results: " + e.getMessage(), e);
        }
    }

    static ObjectNode line(PairResult result) {
        ObjectNode line = result.record().source().deepCopy();
        line.put("ex", result.ex() ? 1 : 0);
        line.put("em", result.em() ? 1 : 0);
        if (result.hardness() == null) {
            line.putNull("hardness");
        } else {
            line.put("hardness", result.hardness().label());
        }
        line.put("error", result.error());
        line.put("error_category", result.failure() == null ? null : result.failure().id());
        if (result.softF1() != null) {
            line.put("soft_f1", result.softF1());
        }
        if (result.rvesReward() != null) {
            line.put("rves_reward", result.rvesReward());
        }
        if (result.record().voting()) {
            line.put("voted_index", result.chosenIndex());
            line.put("votes", result.votes());
        }
        return line;
    }
}
