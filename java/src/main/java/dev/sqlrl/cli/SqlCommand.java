package dev.sqlrl.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.UserInputException;
import dev.sqlrl.sql.ExecutionResult;
import dev.sqlrl.sql.PythonValues;
import dev.sqlrl.sql.SandboxLimits;
import dev.sqlrl.sql.SqlBlob;
import dev.sqlrl.sql.SqlSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `sqlrl sql ...`: SQL tools; `sql run` runs one query in the read-only sandbox. */
@Command(
        footer = {"",
        "Example:",
        "  sqlrl sql run --db ~/data/spider/database/concert_singer/concert_singer.sqlite --sql \"SELECT count(*) FROM singer\""},
        name = "sql", mixinStandardHelpOptions = true, description = "Run SQL in the read-only sandbox.",
        subcommands = {SqlCommand.Run.class})
public final class SqlCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints the rows of one query, or why it failed (exit 2). */
    @Command(
            footer = {"",
            "Example:",
            "  sqlrl sql run --db ~/data/spider/database/concert_singer/concert_singer.sqlite --sql \"SELECT name FROM singer\" --max-rows 5",
            "  sqlrl sql run --db flight_1.sqlite --sql-file long_query.sql --json"},
            name = "run", mixinStandardHelpOptions = true,
            description = "Run one SELECT on a SQLite database, read-only and within budgets, and print its rows.")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--db", required = true, paramLabel = "FILE", description = "SQLite database file")
        Path database;

        @Option(names = "--sql", paramLabel = "TEXT", description = "one SELECT statement; - reads it from stdin; this or --sql-file (default: none)")
        String sql;

        @Option(names = "--sql-file", paramLabel = "FILE", description = "read the SELECT statement from FILE (UTF-8); this or --sql (default: none)")
        Path sqlFile;

        @Option(names = "--timeout-ms", paramLabel = "N", description = "wall-clock deadline (default: ${DEFAULT-VALUE})")
        long timeoutMillis = SandboxLimits.defaults().timeoutMillis();

        @Option(names = "--max-rows", paramLabel = "N", description = "most rows printed; a longer result prints its first N "
                + "rows and says how many it has (default: ${DEFAULT-VALUE}, the sandbox's own cap on a result)")
        int maxRows = SandboxLimits.defaults().maxRows();

        @Option(names = "--json", description = "print a JSON object instead of a table")
        boolean json;

        @Override
        public Integer call() {
            if (timeoutMillis <= 0) throw new UserInputException("--timeout-ms must be positive, got " + timeoutMillis);
            if (maxRows <= 0) throw new UserInputException("--max-rows must be positive, got " + maxRows);
            // the sandbox keeps its own row cap: --max-rows only shortens what is shown
            SandboxLimits limits = SandboxLimits.defaults().withTimeoutMillis(timeoutMillis);
            String text = queryText(limits.maxSqlChars());
            ExecutionResult result;
            try (SqlSandbox sandbox = new SqlSandbox(limits, 1)) {
                result = sandbox.execute(database, text);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(toJson(result, maxRows));
            } else if (result.isSuccess()) {
                printTable(out, result, maxRows);
            }
            if (!result.isSuccess()) {
                spec.commandLine().getErr().println("sqlrl: " + result.errorCategory() + ": " + result.errorMessage());
                return 2;
            }
            return 0;
        }

        /** The query from --sql TEXT, --sql - (stdin) or --sql-file FILE: exactly one of them. */
        private String queryText(int maxChars) {
            if ((sql == null) == (sqlFile == null)) {
                throw new UserInputException("give the query with exactly one of --sql TEXT, --sql - (stdin) or --sql-file FILE");
            }
            if (sql != null) {
                return sql.equals("-") ? read("stdin", System.in, maxChars) : sql;
            }
            if (!Files.isRegularFile(sqlFile)) throw new UserInputException("--sql-file: file not found: " + sqlFile);
            try (InputStream in = Files.newInputStream(sqlFile)) {
                return read(sqlFile.toString(), in, maxChars);
            } catch (IOException e) {
                throw new UserInputException("cannot read the query from " + sqlFile + ": " + e.getMessage(), e);
            }
        }

        /** Reads at most a few bytes past the sandbox's limit, so a huge input is refused without filling the heap. */
        private static String read(String what, InputStream in, int maxChars) {
            try {
                byte[] bytes = in.readNBytes(4 * maxChars + 4);
                if (bytes.length > 4 * maxChars) {
                    throw new UserInputException(what + ": the query is longer than " + maxChars + " characters");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UserInputException("cannot read the query from " + what + ": " + e.getMessage(), e);
            }
        }

        private static void printTable(PrintWriter out, ExecutionResult result, int maxRows) {
            out.println(String.join(" | ", result.columns()));
            for (List<Object> row : result.rows().subList(0, Math.min(maxRows, result.rows().size()))) {
                out.println(String.join(" | ", row.stream().map(Run::text).toList()));
            }
            int total = result.rows().size();
            out.println("(" + total + (total == 1 ? " row" : " rows")
                    + (total > maxRows ? ", the first " + maxRows + " shown: --max-rows " + maxRows + ")" : ")"));
        }

        private static String text(Object value) {
            return value == null ? "NULL" : PythonValues.str(value);
        }

        /**
         * {"columns": [...], "rows": [[...]], "elapsed_ms": N, "total_rows": N, "truncated": bool} (at most maxRows
         * rows) or {"error": {"category": ..., "message": ...}, ...}.
         */
        static String toJson(ExecutionResult result, int maxRows) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            if (result.isSuccess()) {
                ArrayNode columns = root.putArray("columns");
                result.columns().forEach(columns::add);
                ArrayNode rows = root.putArray("rows");
                for (List<Object> row : result.rows().subList(0, Math.min(maxRows, result.rows().size()))) {
                    ArrayNode values = rows.addArray();
                    for (Object value : row) {
                        if (value == null) values.addNull();
                        else if (value instanceof Long number) values.add(number);
                        else if (value instanceof Double number && Double.isFinite(number)) values.add(number);
                        else if (value instanceof SqlBlob || value instanceof Double) values.add(value.toString());
                        else values.add((String) value);
                    }
                }
            } else {
                ObjectNode error = root.putObject("error");
                error.put("category", result.errorCategory().name());
                error.put("message", result.errorMessage());
            }
            root.put("elapsed_ms", result.elapsedNanos() / 1e6);
            if (result.isSuccess()) {
                root.put("total_rows", result.rows().size());
                root.put("truncated", result.rows().size() > maxRows);
            }
            try {
                return mapper.writeValueAsString(root);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the result as JSON", e);
            }
        }
    }
}
