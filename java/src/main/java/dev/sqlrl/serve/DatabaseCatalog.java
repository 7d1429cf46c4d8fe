package dev.sqlrl.serve;

import dev.sqlrl.UserInputException;
import dev.sqlrl.data.DatabaseSchema;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLayout;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.SchemaSerializer;
import dev.sqlrl.data.SqliteSchemaReader;
import dev.sqlrl.data.TablesJsonReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The databases a server answers about, by id: every database of a Spider or BIRD layout (its tables file
 * lists them all; those whose file is missing are left out) or those a JSONL split names, plus single SQLite
 * files given by id. Requests only ever name ids: no path from a request reaches the file system.
 */
public final class DatabaseCatalog {
    /** Sample questions kept per database for the page. */
    static final int SAMPLE_QUESTIONS = 8;

    private final Map<String, ServedDatabase> databases;

    private DatabaseCatalog(Map<String, ServedDatabase> databases) {
        this.databases = new TreeMap<>(databases);
    }

    /**
     * @param dataDir a dataset folder or .jsonl file, or null
     * @param split   the split whose questions are the samples (and, for JSONL, whose databases are served)
     * @param files   single SQLite files by id
     */
    public static DatabaseCatalog load(Path dataDir, String split, Map<String, Path> files, SchemaSerializer serializer) {
        Map<String, DatabaseSchema> schemas = new LinkedHashMap<>();
        Map<String, Path> paths = new LinkedHashMap<>();
        Map<String, List<String>> questions = new LinkedHashMap<>();
        if (dataDir != null) readDataset(dataDir, split, schemas, paths, questions);
        for (Map.Entry<String, Path> file : files.entrySet()) {
            String id = file.getKey();
            if (id.isBlank()) throw new UserInputException("--db " + id + "=" + file.getValue() + ": the id is empty");
            if (schemas.containsKey(id)) throw new UserInputException("--db " + id + ": the id is already served from --data");
            if (!Files.isRegularFile(file.getValue())) {
                throw new UserInputException("--db " + id + "=" + file.getValue() + ": database file not found");
            }
            schemas.put(id, SqliteSchemaReader.read(id, file.getValue()));
            paths.put(id, file.getValue().toAbsolutePath().normalize());
        }
        if (schemas.isEmpty()) throw new UserInputException("no database to serve: give --data DIR or --db ID=PATH");
        Map<String, ServedDatabase> served = new LinkedHashMap<>();
        for (var e : schemas.entrySet()) {
            Path file = paths.get(e.getKey());
            served.put(e.getKey(), new ServedDatabase(e.getKey(), file, e.getValue(), serializer.serialize(e.getValue(), file),
                    questions.getOrDefault(e.getKey(), List.of())));
        }
        return new DatabaseCatalog(served);
    }

    private static void readDataset(Path dataDir, String split, Map<String, DatabaseSchema> schemas, Map<String, Path> paths,
                                    Map<String, List<String>> questions) {
        Dataset dataset = DatasetLoader.load(dataDir, split, new DatasetLoader.Options(0, true));
        for (Example example : dataset.examples()) {
            List<String> own = questions.computeIfAbsent(example.dbId(), id -> new ArrayList<>());
            if (own.size() < SAMPLE_QUESTIONS) own.add(example.question());
            paths.putIfAbsent(example.dbId(), example.dbPath().toAbsolutePath().normalize());
        }
        schemas.putAll(dataset.schemas());
        if (dataset.layout() == DatasetLayout.JSONL) return;
        // Spider and BIRD list every database in their tables file, also those the split does not use.
        Path tables = DatasetLoader.tablesFile(dataDir, dataset.layout(), split);
        for (var e : TablesJsonReader.read(tables).entrySet()) {
            Path file = DatasetLoader.databaseFile(dataDir, dataset.layout(), split, e.getKey());
            if (!schemas.containsKey(e.getKey()) && Files.isRegularFile(file)) {
                schemas.put(e.getKey(), e.getValue());
                paths.put(e.getKey(), file.toAbsolutePath().normalize());
            }
        }
    }

    public Optional<ServedDatabase> find(String id) {
        return Optional.ofNullable(id == null ? null : databases.get(id));
    }

    /** The database of a request's db_id; an unknown id is the caller's mistake (404). */
    public ServedDatabase get(String id) {
        return find(id).orElseThrow(() -> new ApiException(404, "unknown_database", "no database with id '" + id
                + "' (GET /v1/databases lists them)"));
    }

    public Collection<ServedDatabase> all() {
        return databases.values();
    }
}
