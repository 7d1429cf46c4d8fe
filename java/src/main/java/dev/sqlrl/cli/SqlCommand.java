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
import java.io.PrintWriter;
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
            "  sqlrl sql run --db ~/data/spider/database/concert_singer/concert_singer.sqlite --sql \"SELECT name FROM singer\" --max-rows 5"},
            name = "run", mixinStandardHelpOptions = true,
            description = "Run one SELECT on a SQLite database, read-only and within budgets, and print its rows.")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--db", required = true, paramLabel = "FILE", description = "SQLite database file")
        Path database;

        @Option(names = "--sql", required = true, paramLabel = "TEXT", description = "one SELECT statement")
        String sql;

        @Option(names = "--timeout-ms", paramLabel = "N", description = "wall-clock deadline (default: ${DEFAULT-VALUE})")
        long timeoutMillis = SandboxLimits.defaults().timeoutMillis();

        @Option(names = "--max-rows", paramLabel = "N", description = "most rows a result may have (default: ${DEFAULT-VALUE})")
        int maxRows = SandboxLimits.defaults().maxRows();

        @Option(names = "--json", description = "print a JSON object instead of a table")
        boolean json;

        @Override
        public Integer call() {
            if (timeoutMillis <= 0) throw new UserInputException("--timeout-ms must be positive, got " + timeoutMillis);
            if (maxRows <= 0) throw new UserInputException("--max-rows must be positive, got " + maxRows);
            SandboxLimits limits = SandboxLimits.defaults().withTimeoutMillis(timeoutMillis).withMaxRows(maxRows);
            ExecutionResult result;
            try (SqlSandbox sandbox = new SqlSandbox(limits, 1)) {
                result = sandbox.execute(database, sql);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(toJson(result));
            } else if (result.isSuccess()) {
                printTable(out, result);
            }
            if (!result.isSuccess()) {
                spec.commandLine().getErr().println("sqlrl: " + result.errorCategory() + ": " + result.errorMessage());
                return 2;
            }
            return 0;
        }

        private static void printTable(PrintWriter out, ExecutionResult result) {
            out.println(String.join(" | ", result.columns()));
            for (List<Object> row : result.rows()) {
                out.println(String.join(" | ", row.stream().map(Run::text).toList()));
            }
            out.println("(" + result.rows().size() + (result.rows().size() == 1 ? " row)" : " rows)"));
        }

        private static String text(Object value) {
            return value == null ? "NULL" : PythonValues.str(value);
        }

        /** {"columns": [...], "rows": [[...]], "elapsed_ms": N} or {"error": {"category": ..., "message": ...}, ...}. */
        static String toJson(ExecutionResult result) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            if (result.isSuccess()) {
                ArrayNode columns = root.putArray("columns");
                result.columns().forEach(columns::add);
                ArrayNode rows = root.putArray("rows");
                for (List<Object> row : result.rows()) {
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
            try {
                return mapper.writeValueAsString(root);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the result as JSON", e);
            }
        }
    }
}
