package dev.sqlrl.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI-compatible route as a real OpenAI client sees it: the official openai npm package (version pinned by
 * src/test/node/openai-check/package-lock.json, installed with npm ci under target/) run by node, non-streaming,
 * streaming, and a refused request. Skipped when node or npm is missing locally; CI installs both.
 */
class OpenAiClientTest {
    private static final Path SOURCE = Path.of("src/test/node/openai-check");

    @TempDir
    static Path dir;

    private static ServeFixture serve;
    private static Path client;

    @BeforeAll
    static void installClient() throws Exception {
        assumeTrue(onPath("node") && onPath("npm"), "needs node and npm (apt-get install nodejs npm; .ci/run installs them)");
        client = Path.of("target/openai-check");
        Files.createDirectories(client);
        for (String file : List.of("package.json", "package-lock.json", "check.mjs")) {
            Files.copy(SOURCE.resolve(file), client.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(client.resolve("node_modules/openai"))) {
            Result install = run(client, 300, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            if (install.code() != 0 && !"true".equals(System.getenv("CI"))) {
                assumeTrue(false, "npm ci could not install the openai package (offline?): " + install.output());
            }
            assertEquals(0, install.code(), install.output());
        }
        serve = ServeFixture.start(dir);
    }

    @AfterAll
    static void stop() {
        if (serve != null) serve.close();
    }

    @Test
    void theOfficialOpenAiClientTalksToTheChatRoute() throws Exception {
        Result result = run(client, 120, "node", "check.mjs", serve.url("/v1"));
        assertEquals(0, result.code(), result.output());
        String last = result.output().strip().lines().reduce((a, b) -> b).orElse("");
        JsonNode answer = ServeFixture.parse(last);
        assertEquals("chat.completion", answer.get("object").asText());
        assertTrue(answer.get("usage").get("completion_tokens").asInt() <= 8, answer.toString());
        assertTrue(answer.get("usage").get("prompt_tokens").asInt() > 0, answer.toString());
        // greedy: the stream carries the same text as the whole answer
        assertEquals(answer.get("content").asText(), answer.get("streamed").asText(), answer.toString());
        assertEquals(answer.get("finish_reason").asText(), answer.get("stream_finish_reason").asText());
        assertEquals(400, answer.get("refused").get("status").asInt(), answer.toString());
    }

    private record Result(int code, String output) {}

    private static Result run(Path workDir, int timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "process", ".log");
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out: " + String.join(" ", command) + "\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(entry, program))) return true;
        }
        return false;
    }
}
