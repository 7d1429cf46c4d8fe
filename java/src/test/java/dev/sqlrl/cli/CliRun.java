package dev.sqlrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/** Runs the `sqlrl` command line in-process (as Main does) with System.out and System.err captured. */
final class CliRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CliRun() {}

    /** Exit code and what the command printed. */
    record Result(int code, String out, String rawErr) {
        /** stderr without SLF4J's one-time notice that no logging backend is configured (printed when sqlite-jdbc first loads). */
        String err() {
            return rawErr.replace("\r\n", "\n").lines().filter(line -> !line.startsWith("SLF4J(")).map(line -> line + "\n")
                    .collect(Collectors.joining());
        }

        /** The last line of stdout as JSON (the `--json` convention of the commands). */
        JsonNode lastLineJson() throws IOException {
            String[] lines = out.strip().split("\n");
            return JSON.readTree(lines[lines.length - 1]);
        }
    }

    static Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
