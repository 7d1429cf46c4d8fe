package dev.sqlrl.data;

import dev.sqlrl.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a split of a text-to-SQL dataset, recognising the layout from the files present:
 * {@code <split>.jsonl} (own data), {@code <split>_tables.json} (BIRD), {@code tables.json} (Spider).
 * Every database an example names must exist; problems name the file and record.
 */
public final class DatasetLoader {
    private DatasetLoader() {}

    /**
     * How much of a split to load and what to do about examples whose database file is missing.
     *
     * @param maxExamples           read only the first this many examples (0: all), so that a small run does not
     *                              need every database of a large split
     * @param skipMissingDatabases  leave out (and list in {@link Dataset#missingDatabases()}) the examples whose
     *                              database file does not exist, instead of refusing the split
     */
    public record Options(int maxExamples, boolean skipMissingDatabases) {
        public static final Options ALL = new Options(0, false);

        boolean full(int loaded) {
            return maxExamples > 0 && loaded >= maxExamples;
        }
    }

    /** Loads {@code split} from {@code dir}; {@code dir} may also be a .jsonl file itself. */
    public static Dataset load(Path dir, String split) {
        return load(dir, split, Options.ALL);
    }

    public static Dataset load(Path dir, String split, Options options) {
        if (Files.isRegularFile(dir) && dir.getFileName().toString().endsWith(".jsonl")) {
            return loadJsonl(dir, split, options);
        }
        if (!Files.isDirectory(dir)) {
            throw new UserInputException(dir + ": dataset folder not found");
        }
        return switch (detectLayout(dir, split)) {
            case JSONL -> loadJsonl(dir.resolve(split + ".jsonl"), split, options);
            case BIRD -> loadBird(dir, split, options);
            case SPIDER -> loadSpider(dir, split, options);
        };
    }

    /** Which layout {@code dir} holds for {@code split}. */
    public static DatasetLayout detectLayout(Path dir, String split) {
        if (Files.isRegularFile(dir.resolve(split + ".jsonl"))) {
            return DatasetLayout.JSONL;
        }
        if (Files.isRegularFile(dir.resolve(split + "_tables.json"))) {
            return DatasetLayout.BIRD;
        }
        if (Files.isRegularFile(dir.resolve("tables.json"))) {
            return DatasetLayout.SPIDER;
        }
        throw new UserInputException(dir + ": no dataset for split '" + split + "': expected " + split
                + ".jsonl (own data), " + split + "_tables.json (BIRD) or tables.json (Spider)");
    }

    private static Dataset loadSpider(Path dir, String split, Options options) {
        Path examplesFile = dir.resolve(split + ".json");
        // Spider's release names its training file train_spider.json.
        if (!Files.isRegularFile(examplesFile) && Files.isRegularFile(dir.resolve(split + "_spider.json"))) {
            examplesFile = dir.resolve(split + "_spider.json");
        }
        Map<String, DatabaseSchema> allSchemas = TablesJsonReader.read(dir.resolve("tables.json"));
        List<Example> examples = new ArrayList<>();
        Map<String, DatabaseSchema> used = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (JsonRecord record : JsonRecordReader.readArray(examplesFile)) {
            if (options.full(examples.size())) break;
            String dbId = record.requiredText("db_id");
            Path dbPath = dir.resolve("database").resolve(dbId).resolve(dbId + ".sqlite");
            if (!databaseExists(record, dbPath, options, missing)) continue;
            examples.add(new Example(split + "-" + record.index(), record.requiredText("question"),
                    record.requiredText("query"), dbId, dbPath, null, null, location(record)));
            used.put(dbId, requireSchema(record, allSchemas, dbId, "tables.json"));
        }
        return new Dataset(dir, DatasetLayout.SPIDER, split, examples, used, missing);
    }

    private static Dataset loadBird(Path dir, String split, Options options) {
        String tablesName = split + "_tables.json";
        Map<String, DatabaseSchema> allSchemas = TablesJsonReader.read(dir.resolve(tablesName));
        List<Example> examples = new ArrayList<>();
        Map<String, DatabaseSchema> used = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (JsonRecord record : JsonRecordReader.readArray(dir.resolve(split + ".json"))) {
            if (options.full(examples.size())) break;
            String dbId = record.requiredText("db_id");
            Path dbPath = dir.resolve(split + "_databases").resolve(dbId).resolve(dbId + ".sqlite");
            if (!databaseExists(record, dbPath, options, missing)) continue;
            String id = record.optionalText("question_id");
            examples.add(new Example(id == null ? split + "-" + record.index() : id, record.requiredText("question"),
                    record.requiredText("SQL"), dbId, dbPath, record.optionalText("evidence"),
                    record.optionalText("difficulty"), location(record)));
            used.put(dbId, requireSchema(record, allSchemas, dbId, tablesName));
        }
        return new Dataset(dir, DatasetLayout.BIRD, split, examples, used, missing);
    }

    private static Dataset loadJsonl(Path file, String split, Options options) {
        Path base = file.toAbsolutePath().getParent();
        List<Example> examples = new ArrayList<>();
        Map<Path, DatabaseSchema> schemaByFile = new HashMap<>();
        Map<String, DatabaseSchema> used = new LinkedHashMap<>();
        Map<String, Path> fileOfDbId = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (JsonRecord record : JsonRecordReader.readLines(file)) {
            if (options.full(examples.size())) break;
            String dbPathText = record.optionalText("db_path");
            String dbId = record.optionalText("db_id");
            Path dbPath;
            if (dbPathText != null) {
                dbPath = base.resolve(dbPathText).normalize();
                if (dbId == null) {
                    String name = dbPath.getFileName().toString();
                    dbId = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
                }
            } else if (dbId != null) {
                dbPath = base.resolve("database").resolve(dbId).resolve(dbId + ".sqlite");
            } else {
                throw record.error("needs 'db_path' (relative to " + base + ") or 'db_id'");
            }
            if (!databaseExists(record, dbPath, options, missing)) continue;
            Path previous = fileOfDbId.putIfAbsent(dbId, dbPath);
            if (previous != null && !previous.equals(dbPath)) {
                throw record.error("db_id '" + dbId + "' names " + dbPath + " but an earlier record used it for " + previous);
            }
            String finalDbId = dbId;
            DatabaseSchema schema = schemaByFile.computeIfAbsent(dbPath, p -> SqliteSchemaReader.read(finalDbId, p));
            used.put(dbId, schema);
            String id = record.optionalText("id");
            examples.add(new Example(id == null ? split + "-" + record.index() : id, record.requiredText("question"),
                    record.requiredText("sql"), dbId, dbPath, record.optionalText("evidence"),
                    record.optionalText("difficulty"), location(record)));
        }
        return new Dataset(file, DatasetLayout.JSONL, split, examples, used, missing);
    }

    /** Whether the example's database exists; a missing one is an error, or listed in {@code missing} when skipped. */
    private static boolean databaseExists(JsonRecord record, Path dbPath, Options options, List<String> missing) {
        if (Files.isRegularFile(dbPath)) return true;
        if (options.skipMissingDatabases()) {
            missing.add(location(record) + ": " + dbPath);
            return false;
        }
        throw record.error("database file " + dbPath + " not found (--skip-missing-databases, or data.skip_missing_databases:"
                + " true, leaves such examples out)");
    }

    private static String location(JsonRecord record) {
        return record.file() + ":" + record.line();
    }

    private static DatabaseSchema requireSchema(JsonRecord record, Map<String, DatabaseSchema> schemas, String dbId,
                                                String tablesName) {
        DatabaseSchema schema = schemas.get(dbId);
        if (schema == null) {
            throw record.error("db_id '" + dbId + "' has no entry in " + tablesName);
        }
        return schema;
    }
}
