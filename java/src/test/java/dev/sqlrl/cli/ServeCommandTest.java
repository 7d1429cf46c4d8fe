package dev.sqlrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.model.NativeTests;
import dev.sqlrl.train.TinyTrainingSetup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `sqlrl serve` as a process: prints its URL, answers, and on SIGTERM finishes the request in flight and exits 0. */
class ServeCommandTest {
    private static final Pattern URL = Pattern.compile("listening on (http://\\S+)");

    @Test
    void servesUntilSigtermThenFinishesInFlightRequestsAndExitsZero(@TempDir Path dir) throws Exception {
        NativeTests.assumeNative();
        TinyTrainingSetup setup = TinyTrainingSetup.create(dir);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "serve", "--model", setup.modelDir().toString(),
                "--data", dir.resolve("data").toString(), "--port", "0", "--max-new-tokens", "48", "--max-batch", "1")
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            String url = null;
            for (String line; url == null && (line = stdout.readLine()) != null; ) {
                lines.add(line);
                Matcher m = URL.matcher(line);
                if (m.find()) url = m.group(1);
            }
            assertNotNull(url, "no URL printed: " + lines + " " + Files.readString(dir.resolve("stderr.txt")));
            assertTrue(url.startsWith("http://127.0.0.1:"), url);
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(url + "health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());

            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(HttpRequest.newBuilder(URI.create(url + "v1/generate_sql"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"db_id\": \"company\", \"question\": \"How many staff are there?\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            process.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its stdout)
            HttpResponse<String> answer = inFlight.get(60, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            String rest = String.join("\n", stdout.lines().toList()); // until the process closes its stdout
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running after SIGTERM");
            assertEquals(0, process.exitValue(), Files.readString(dir.resolve("stderr.txt")));
            assertTrue(rest.contains("sqlrl serve: stopped"), rest);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void bindingBeyondLoopbackNeedsAnApiKey(@TempDir Path dir) throws Exception {
        CliRun.Result result = CliRun.run("serve", "--model", dir.toString(), "--db", "x=" + dir.resolve("x.sqlite"),
                "--host", "0.0.0.0");
        assertEquals(2, result.code(), result.err());
        assertEquals("sqlrl: --host 0.0.0.0 is reachable from other machines: give --api-key-file too", result.err().strip());

        Files.writeString(dir.resolve("key"), "short\n");
        CliRun.Result shortKey = CliRun.run("serve", "--model", dir.toString(), "--db", "x=" + dir.resolve("x.sqlite"),
                "--api-key-file", dir.resolve("key").toString());
        assertEquals(2, shortKey.code());
        assertTrue(shortKey.err().contains("the API key must be at least 16 characters"), shortKey.err());

        CliRun.Result noDb = CliRun.run("serve", "--model", dir.toString(), "--db", "x=" + dir.resolve("missing.sqlite"));
        assertEquals(2, noDb.code());
        assertTrue(noDb.err().contains("--db x=" + dir.resolve("missing.sqlite") + ": database file not found"), noDb.err());
    }
}
