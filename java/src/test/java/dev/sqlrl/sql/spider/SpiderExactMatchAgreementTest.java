package dev.sqlrl.sql.spider;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.TestPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Agreement with the official Spider evaluator on the 8,604 labelled pairs of shared/spider-sample:
 * EM and hardness must agree on every pair. Every disagreement is printed with the
 * pair and what this implementation saw.
 */
class SpiderExactMatchAgreementTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void exactMatchAndHardnessAgreeWithOfficialLabels() throws IOException {
        Path sample = TestPaths.spiderSample();
        Path labels = sample.resolve("official_labels.jsonl");
        TestPaths.requireFixture(Files.isRegularFile(labels), "shared/spider-sample/official_labels.jsonl not found at " + labels);
        Map<String, SpiderSchema> schemas = SpiderTablesFile.read(sample.resolve("tables.json"));
        Map<String, SpiderEvaluator> evaluators = new HashMap<>();

        List<String> lines = Files.readAllLines(labels);
        int total = 0;
        int emAgree = 0;
        int hardnessAgree = 0;
        StringBuilder disagreements = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode row = JSON.readTree(lines.get(i));
            total++;
            String dbId = row.get("db_id").asText();
            String gold = row.get("gold").asText();
            String pred = row.get("pred").asText();
            boolean officialEm = row.get("official_em").asInt() == 1;
            String officialHardness = row.get("hardness").asText();
            SpiderEvaluator evaluator = evaluators.computeIfAbsent(dbId, id -> new SpiderEvaluator(schemas.get(id)));
            SpiderMatchResult result;
            try {
                result = evaluator.evaluate(gold, pred);
            } catch (SpiderParseException e) {
                disagreements.append(String.format("line %d [%s] gold does not parse: %s%n  gold: %s%n",
                        i + 1, dbId, e.getMessage(), gold));
                continue;
            }
            if (result.hardness().label().equals(officialHardness)) {
                hardnessAgree++;
            } else {
                disagreements.append(String.format("line %d [%s] hardness: ours %s, official %s%n  gold: %s%n",
                        i + 1, dbId, result.hardness().label(), officialHardness, gold));
            }
            if (result.exactMatch() == officialEm) {
                emAgree++;
            } else {
                String reason = result.predParseError() != null ? "pred rejected: " + result.predParseError()
                        : failingComponents(result.partial());
                disagreements.append(String.format("line %d [%s] EM: ours %d, official %d (%s; variant %s)%n"
                        + "  gold: %s%n  pred: %s%n  official error: %s%n",
                        i + 1, dbId, result.exactMatch() ? 1 : 0, officialEm ? 1 : 0, reason,
                        row.get("variant").asText(), gold, pred, row.get("error")));
            }
        }
        System.out.print(disagreements);
        double emRate = (double) emAgree / total;
        double hardnessRate = (double) hardnessAgree / total;
        System.out.printf("Spider sample: %d pairs; EM agreement %d (%.2f%%); hardness agreement %d (%.2f%%)%n",
                total, emAgree, 100 * emRate, hardnessAgree, 100 * hardnessRate);
        assertTrue(total > 8000, "expected the 8,604 labelled pairs, read " + total);
        // measured: every pair agrees; any disagreement is a regression (printed above)
        assertEquals(total, emAgree, "EM disagreements with the official evaluator");
        assertEquals(total, hardnessAgree, "hardness disagreements with the official evaluator");
    }

    private static String failingComponents(PartialMatch partial) {
        StringBuilder failing = new StringBuilder();
        partial.components().forEach((name, score) -> {
            if (score.f1() != 1) {
                failing.append(name).append(' ').append(score).append("; ");
            }
        });
        return failing.isEmpty() ? "all components match; FROM tables differ" : "components differ: " + failing;
    }
}
