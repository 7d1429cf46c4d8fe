package dev.sqlrl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a config can be wrong gives a UserInputException whose lines name the file and the key. */
class RunConfigErrorsTest {
    private static final String PATHS = "model:\n  path: m\ndata:\n  path: d\n";

    @TempDir Path tmp;

    @Test
    void unknownKeySuggestsTheNearestKnownOne() {
        assertSingleError(PATHS + "grpo:\n  betta: 0.1\n", "bad.yaml: grpo.betta: unknown key; did you mean grpo.beta?");
    }

    @Test
    void unknownKeyWithoutANearOneListsTheKnownKeys() {
        String message = errors(PATHS + "checkpoint:\n  frequency: 3\n");
        assertTrue(message.startsWith("bad.yaml: checkpoint.frequency: unknown key; known keys here: every_n_steps, "
                + "keep_last, keep_best"), message);
    }

    @Test
    void unknownTopLevelKey() {
        assertSingleError(PATHS + "modle: {}\n", "bad.yaml: modle: unknown key; did you mean model?");
    }

    @Test
    void camelCaseKeysAreUnknownAndPointToTheSnakeCaseKey() {
        assertSingleError(PATHS + "grpo:\n  numGenerations: 4\n",
                "bad.yaml: grpo.numGenerations: unknown key; did you mean grpo.num_generations?");
    }

    @Test
    void outOfRangeValuesNameTheAllowedRange() {
        assertSingleError(PATHS + "grpo:\n  eps_low: 1.0\n", "bad.yaml: grpo.eps_low: 1.0 is out of range; allowed: (0, 1)");
        assertSingleError(PATHS + "grpo:\n  num_generations: 1\n",
                "bad.yaml: grpo.num_generations: 1 is out of range; allowed: >= 2");
        assertSingleError(PATHS + "sft:\n  optimizer:\n    lr: 0\n",
                "bad.yaml: sft.optimizer.lr: 0 is out of range; allowed: (0, 1]");
        assertSingleError(PATHS + "grpo:\n  optimizer:\n    lr: -1e-5\n",
                "bad.yaml: grpo.optimizer.lr: -1.0E-5 is out of range; allowed: (0, 1]");
        assertSingleError(PATHS + "lora:\n  dropout: 1\n", "bad.yaml: lora.dropout: 1 is out of range; allowed: [0, 1)");
    }

    @Test
    void wrongTypesSayWhatWasExpected() {
        assertSingleError(PATHS + "grpo:\n  steps: 1.5\n", "bad.yaml: grpo.steps: expected an integer, got 1.5");
        assertSingleError(PATHS + "grpo:\n  beta: high\n", "bad.yaml: grpo.beta: expected a number, got 'high'");
        assertSingleError(PATHS + "logging:\n  progress: 1\n", "bad.yaml: logging.progress: expected true or false, got 1");
        assertSingleError(PATHS + "prompt:\n  template: [a]\n",
                "bad.yaml: prompt.template: expected a non-empty string, got a list");
        assertSingleError(PATHS + "eval: 5\n", "bad.yaml: eval: expected a mapping of keys, got 5");
        assertSingleError(PATHS + "checkpoint:\n  every_n_steps: 99999999999\n",
                "bad.yaml: checkpoint.every_n_steps: 99999999999 is too large; allowed: >= 0");
    }

    @Test
    void unknownEnumValueListsTheAllowedOnes() {
        assertSingleError(PATHS + "grpo:\n  loss_type: ppo\n",
                "bad.yaml: grpo.loss_type: unknown value 'ppo'; allowed: grpo, bnpo, dr_grpo, dapo");
        assertSingleError("data:\n  path: d\nmodel:\n  path: m\n  weights: int8\n",
                "bad.yaml: model.weights: unknown value 'int8'; allowed: fp32, bf16, nf4");
    }

    @Test
    void loraTargetsMustBeKnownDistinctAndNonEmpty() {
        assertSingleError(PATHS + "lora:\n  target_modules: [q_proj, lm_head]\n",
                "bad.yaml: lora.target_modules[1]: unknown value 'lm_head'; allowed: q_proj, k_proj, v_proj, o_proj, "
                        + "gate_proj, up_proj, down_proj");
        assertSingleError(PATHS + "lora:\n  target_modules: [q_proj, q_proj]\n",
                "bad.yaml: lora.target_modules[1]: 'q_proj' is listed twice");
        assertSingleError(PATHS + "lora:\n  target_modules: []\n",
                "bad.yaml: lora.target_modules: expected a non-empty list, got a list; allowed: non-empty subset of "
                        + "q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj");
    }

    @Test
    void requiredPathsMustBeGiven() {
        assertEquals("bad.yaml: model.path: required (Hugging Face model folder (config.json, *.safetensors, "
                + "tokenizer.json).)\nbad.yaml: data.path: required (Dataset folder (Spider, BIRD or JSONL layout). A single "
                + ".jsonl file holds one split only, so training refuses it (it would evaluate on its own training rows); "
                + "eval and data stats take one.)", errors("seed: 1\n"));
        assertSingleError("model:\n  path: ''\ndata:\n  path: d\n",
                "bad.yaml: model.path: no value; give a value, or leave the key out for the default");
        assertSingleError("model:\n  path: ' '\ndata:\n  path: d\n", "bad.yaml: model.path: expected a non-empty path, got ' '");
    }

    @Test
    void keysWithoutAValueAreErrorsNotSilentDefaults() {
        assertSingleError(PATHS + "grpo:\n", "bad.yaml: grpo: no value; write {} for all defaults, or leave the key out");
        assertSingleError(PATHS + "seed:\n", "bad.yaml: seed: no value; give a value, or leave the key out for the default");
        assertSingleError(PATHS + "grpo:\n  beta: ~\n", "bad.yaml: grpo.beta: no value; give a value, or leave the key out for the default");
    }

    @Test
    void microBatchMustDivideTheCompletionsOfAStep() {
        assertSingleError(PATHS + "grpo:\n  prompts_per_step: 3\n  num_generations: 4\n  micro_batch_size: 8\n",
                "bad.yaml: grpo.micro_batch_size: 8 does not divide prompts_per_step * num_generations = 12; "
                        + "allowed: a divisor of 12");
    }

    @Test
    void gradAccumulationMustDivideTheMicroBatchesOfAStep() {
        assertSingleError(PATHS + "grpo:\n  prompts_per_step: 4\n  num_generations: 4\n  micro_batch_size: 4\n"
                        + "  grad_accumulation: 3\n",
                "bad.yaml: grpo.grad_accumulation: 3 does not divide the 4 micro-batches of a step; allowed: a divisor of 4");
    }

    @Test
    void crossKeyChecks() {
        assertSingleError(PATHS + "sft:\n  optimizer:\n    warmup_steps: 10\n    warmup_ratio: 0.1\n",
                "bad.yaml: sft.optimizer.warmup_ratio: give warmup_steps or warmup_ratio, not both (warmup_steps is 10)");
        assertSingleError(PATHS + "sft:\n  epochs: 0\n  max_steps: 0\n",
                "bad.yaml: sft.max_steps: 0 together with sft.epochs 0 trains nothing; set one of them above 0");
        assertSingleError(PATHS + "reward:\n  weights:\n    execution: 0\n",
                "bad.yaml: reward.weights: all weights are 0; at least one must be > 0");
        assertSingleError(PATHS + "reward:\n  execution:\n    correct: 0\n",
                "bad.yaml: reward.execution.correct: 0 must be greater than reward.execution.failed (0)");
        assertSingleError(PATHS + "reward:\n  execution:\n    executable: 2\n",
                "bad.yaml: reward.execution.executable: 2 is out of range; allowed: [0, 1] (between failed and correct)");
    }

    @Test
    void allErrorsOfAFileAreReportedTogetherOnePerLine() {
        String message = errors(PATHS + """
                seed: x
                grpo:
                  betta: 0.1
                  num_generations: 1
                  loss_type: ppo
                lora:
                  rank: 0
                """);
        assertEquals(List.of(
                "bad.yaml: seed: expected an integer, got 'x'",
                "bad.yaml: lora.rank: 0 is out of range; allowed: [1, 1024]",
                "bad.yaml: grpo.betta: unknown key; did you mean grpo.beta?",
                "bad.yaml: grpo.num_generations: 1 is out of range; allowed: >= 2",
                "bad.yaml: grpo.loss_type: unknown value 'ppo'; allowed: grpo, bnpo, dr_grpo, dapo"),
                message.lines().toList());
    }

    @Test
    void overrideErrorsNameTheOverride() {
        assertEquals("bad.yaml (with --set grpo.betta=0.1): --set grpo.betta=0.1: unknown key grpo.betta; "
                + "did you mean grpo.beta?", errors(PATHS, "grpo.betta=0.1"));
        assertEquals("bad.yaml (with --set grpo.beta): --set grpo.beta: expected KEY=VALUE, e.g. grpo.beta=0.02",
                errors(PATHS, "grpo.beta"));
        assertEquals("bad.yaml (with --set grpo.beta.x=1): --set grpo.beta.x=1: grpo.beta is a single value, it has no key x",
                errors(PATHS, "grpo.beta.x=1"));
        assertTrue(errors(PATHS, "lora.target_modules=[q_proj").startsWith(
                "bad.yaml (with --set lora.target_modules=[q_proj): --set lora.target_modules=[q_proj: value is not valid YAML"));
    }

    @Test
    void overriddenValuesAreValidatedLikeFileValues() {
        assertEquals("bad.yaml (with --set grpo.eps_low=1.5): grpo.eps_low: 1.5 is out of range; allowed: (0, 1)",
                errors(PATHS, "grpo.eps_low=1.5"));
        assertEquals("bad.yaml (with --set grpo.num_generations=1): grpo.num_generations: 1 is out of range; allowed: >= 2",
                errors(PATHS, "grpo.num_generations=1"));
    }

    @Test
    void malformedYamlNamesFileLineAndColumn() {
        String message = errors("model:\n  path: m\n   bad indent: [\n");
        assertTrue(message.startsWith("bad.yaml:3:"), message);
        assertTrue(message.contains("not valid YAML"), message);
    }

    @Test
    void duplicateKeysAreRejected() {
        String message = errors(PATHS + "seed: 1\nseed: 2\n");
        assertTrue(message.startsWith("bad.yaml:") && message.contains("seed"), message);
    }

    @Test
    void aTopLevelListIsNotAConfig() {
        assertEquals("bad.yaml: expected a mapping of keys at the top level, got a array", errors("- a\n- b\n"));
    }

    @Test
    void missingFileIsNamed() {
        Path missing = tmp.resolve("nope.yaml");
        var e = assertThrows(UserInputException.class, () -> RunConfigs.load(missing, List.of()));
        assertEquals(missing + ": config file not found", e.getMessage());
    }

    @Test
    void loadErrorsNameThePathOfTheFile() throws IOException {
        Path file = tmp.resolve("run.yaml");
        Files.writeString(file, PATHS + "grpo:\n  top_p: 0\n");
        var e = assertThrows(UserInputException.class, () -> RunConfigs.load(file, List.of()));
        assertEquals(file + ": grpo.top_p: 0 is out of range; allowed: (0, 1]", e.getMessage());
    }

    private void assertSingleError(String yaml, String expected) {
        assertEquals(expected, errors(yaml));
    }

    private String errors(String yaml, String... overrides) {
        return assertThrows(UserInputException.class,
                () -> RunConfigs.parse(yaml, "bad.yaml", tmp, List.of(overrides))).getMessage();
    }
}
