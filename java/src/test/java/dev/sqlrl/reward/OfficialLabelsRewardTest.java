package dev.sqlrl.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.data.AnswerFormat;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.TestResources;
import dev.sqlrl.sql.ExecutionMatch;
import dev.sqlrl.sql.MatchOptions;
import dev.sqlrl.sql.SandboxLimits;
import dev.sqlrl.sql.SqlSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The execution component against the official Spider evaluator's labels (every 8th of the 8,604
 * pairs of official_labels.jsonl), scored sequentially and on two threads.
 */
class OfficialLabelsRewardTest {
    private record LabelledCompletion(Example example, String completion, boolean officialEx, String variant) {}

    private static List<LabelledCompletion> sampledLabels(Path sample, Dataset dataset) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = Files.readAllLines(sample.resolve("official_labels.jsonl"));
        List<LabelledCompletion> labels = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += 8) {
            JsonNode label = mapper.readTree(lines.get(i));
            String dbId = label.get("db_id").asText();
            Example example = new Example("label-" + i, label.get("question").asText(), label.get("gold").asText(), dbId,
                    sample.resolve("database").resolve(dbId).resolve(dbId + ".sqlite"), null, null);
            labels.add(new LabelledCompletion(example, "```sql\n" + label.get("pred").asText() + "\n```",
                    label.get("official_ex").asInt() == 1, label.get("variant").asText()));
        }
        return labels;
    }

    @Test
    void executionComponentAgreesWithTheOfficialEvaluatorAlsoOnTwoThreads() throws Exception {
        Path sample = TestResources.spiderSample();
        Dataset dataset = DatasetLoader.load(sample, "train");
        List<LabelledCompletion> labels = sampledLabels(sample, dataset);
        try (SqlSandbox sandbox = new SqlSandbox(SandboxLimits.defaults());
             ExecutionMatch match = new ExecutionMatch(sandbox, MatchOptions.spiderOfficial().withThreads(1))) {
            SqlRewardFunction rewards = new SqlRewardFunction(RewardConfig.defaults(), AnswerFormat.SQL_FENCE,
                    dataset::schemaOf, match);
            List<RewardBreakdown> sequential = new ArrayList<>();
            for (LabelledCompletion label : labels) {
                RewardBreakdown reward = rewards.score(label.completion(), label.example());
                sequential.add(reward);
                assertEquals(label.officialEx(), reward.outcome() == ExecutionOutcome.CORRECT,
                        label.variant() + " " + label.example().goldSql() + " vs " + reward.sql() + ": " + reward.detail());
                assertEquals(1.0, reward.get(RewardComponent.FORMAT));
                if (label.variant().equals("gold") && label.officialEx()) {
                    assertEquals(1.0, reward.get(RewardComponent.CLAUSE_F1), 1e-9, label.example().goldSql());
                    assertEquals(1.0, reward.get(RewardComponent.SYNTAX), label.example().goldSql());
                }
            }
            // A fresh function (cold score cache) on two threads gives the same breakdowns.
            SqlRewardFunction parallel = new SqlRewardFunction(RewardConfig.defaults(), AnswerFormat.SQL_FENCE,
                    dataset::schemaOf, match);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                List<Future<RewardBreakdown>> futures = new ArrayList<>();
                for (LabelledCompletion label : labels) {
                    futures.add(threads.submit(() -> parallel.score(label.completion(), label.example())));
                }
                for (int i = 0; i < labels.size(); i++) {
                    assertEquals(sequential.get(i), futures.get(i).get(), labels.get(i).example().id());
                }
            } finally {
                threads.shutdownNow();
            }
            long correct = sequential.stream().filter(r -> r.outcome() == ExecutionOutcome.CORRECT).count();
            assertTrue(correct > labels.size() / 3, "a fair share of the sampled pairs are correct: " + correct);
        }
    }
}
