package dev.sqlrl.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Loads a hostile-SQL corpus (YAML in src/test/resources/sql) and takes stock of files, for the sandbox's attack tests. */
final class HostileCorpus {

    /** One corpus entry: the SQL after expansion and the outcome classes it may end in. */
    record HostileQuery(int index, String sql, Set<String> expected) {
        String label() {
            String oneLine = sql.replaceAll("\\s+", " ");
            return "#" + index + " " + (oneLine.length() > 90 ? oneLine.substring(0, 90) + "... (" + sql.length() + " chars)" : oneLine);
        }
    }

    /** The budgets both attack corpora run under: a 1 s deadline, 10,000 rows, 16 MiB of results. */
    static final SandboxLimits LIMITS = new SandboxLimits(50_000_000L, 1_000, 10_000, 16L << 20, 256 << 10, 100_000);

    private HostileCorpus() {}

    /**
     * A copy of Spider's flight_1 in {@code folder}, as writable as a user's own database: the sandbox must protect
     * it, not the file's mode.
     */
    static Path writableFlightDatabase(Path folder) throws IOException {
        Path database = folder.resolve("flight_1.sqlite");
        Files.copy(SpiderSample.database("flight_1"), database, StandardCopyOption.REPLACE_EXISTING);
        database.toFile().setWritable(true);
        return database;
    }

    /**
     * The entries of {@code resource}; ${dir} becomes {@code folder}; repeat = {text, times, close?}
     * expands ${repeat} (and ${close}); in a repeated text, {i} is the repetition's number and {p} the one before.
     */
    static List<HostileQuery> load(String resource, Path folder) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (InputStream in = HostileCorpus.class.getResourceAsStream(resource)) {
            JsonNode entries = yaml.readTree(in);
            List<HostileQuery> queries = new ArrayList<>();
            int index = 0;
            for (JsonNode entry : entries) {
                index++;
                String sql = entry.get("sql").asText().replace("${dir}", folder.toString());
                JsonNode repeat = entry.get("repeat");
                if (repeat != null) {
                    int times = repeat.get("times").asInt();
                    String text = repeat.get("text").asText();
                    String repeated = text.contains("{i}")
                            ? IntStream.rangeClosed(1, times)
                                    .mapToObj(i -> text.replace("{i}", Integer.toString(i)).replace("{p}", Integer.toString(i - 1)))
                                    .collect(Collectors.joining())
                            : text.repeat(times);
                    sql = sql.replace("${repeat}", repeated).replace("{last}", Integer.toString(times));
                    if (repeat.has("close")) sql = sql.replace("${close}", repeat.get("close").asText().repeat(times));
                }
                Set<String> expected = new TreeSet<>();
                entry.get("expect").forEach(node -> expected.add(node.asText()));
                queries.add(new HostileQuery(index, sql, expected));
            }
            return queries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(p -> dir.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
