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

    /** Loads {@code split} from {@code dir}; {@code dir} may also be a .jsonl file itself. */
    public static Dataset load(Path dir, String split) {
        if (Files.isRegularFile(dir) && dir.getFileName().toString().endsWith(".jsonl")) {
            return loadJsonl(dir, split);
        }
        if (!Files.isDirectory(dir)) {
            throw new UserInputException(dir + ": dataset folder not found");
        }
        return switch (detectLayout(dir, split)) {
            case JSONL -> loadJsonl(dir.resolve(split + ".jsonl"), split);
            case BIRD -> loadBird(dir, split);
            case SPIDER -> loadSpider(dir, split);
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

    private static Dataset loadSpider(Path dir, String split) {
        Path examplesFile = dir.resolve(split + ".json");
        // Spider's release names its training file train_spider.json.
        if (!Files.isRegularFile(examplesFile) && Files.isRegularFile(dir.resolve(split + "_spider.json"))) {
            examplesFile = dir.resolve(split + "_spider.json");
        }
        Map<String, DatabaseSchema> allSchemas = TablesJsonReader.read(dir.resolve("tables.json"));
        List<Example> examples = new ArrayList<>();
        Map<String, DatabaseSchema> used = new LinkedHashMap<>();
        for (JsonRecord record : JsonRecordReader.readArray(examplesFile)) {
            String dbId = record.requiredText("db_id");
            Path dbPath = dir.resolve("database").resolve(dbId).resolve(dbId + ".sqlite");
            examples.add(new Example(split + "-" + record.index(), record.requiredText("question"),
                    record.requiredText("query"), dbId, requireDatabase(record, dbPath), null, null));
            used.put(dbId, requireSchema(record, allSchemas, dbId, "tables.json"));
        }
        return new Dataset(dir, DatasetLayout.SPIDER, split, examples, used);
    }

    private static Dataset loadBird(Path dir, String split) {
        String tablesName = split + "_tables.json";
        Map<String, DatabaseSchema> allSchemas = TablesJsonReader.read(dir.resolve(tablesName));
        List<Example> examples = new ArrayList<>();
        Map<String, DatabaseSchema> used = new LinkedHashMap<>();
        for (JsonRecord record : JsonRecordReader.readArray(dir.resolve(split + ".json"))) {
            String dbId = record.requiredText("db_id");
            Path dbPath = dir.resolve(split + "_databases").resolve(dbId).resolve(dbId + ".sqlite");
            String id = record.optionalText("question_id");
            examples.add(new Example(id == null ? split + "-" + record.index() : id, record.requiredText("question"),
                    record.requiredText("SQL"), dbId, requireDatabase(record, dbPath), record.optionalText("evidence"),
                    record.optionalText("difficulty")));
            used.put(dbId, requireSchema(record, allSchemas, dbId, tablesName));
        }
        return new Dataset(dir, DatasetLayout.BIRD, split, examples, used);
    }

    private static Dataset loadJsonl(Path file, String split) {
        Path base = file.toAbsolutePath().getParent();
        List<Example> examples = new ArrayList<>();
        Map<Path, DatabaseSchema> schemaByFile = new HashMap<>();
        Map<String, DatabaseSchema> used = new LinkedHashMap<>();
        Map<String, Path> fileOfDbId = new HashMap<>();
        for (JsonRecord record : JsonRecordReader.readLines(file)) {
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
            requireDatabase(record, dbPath);
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
                    record.optionalText("difficulty")));
        }
        return new Dataset(file, DatasetLayout.JSONL, split, examples, used);
    }

    private static Path requireDatabase(JsonRecord record, Path dbPath) {
        if (!Files.isRegularFile(dbPath)) {
            throw record.error("database file " + dbPath + " not found");
        }
        return dbPath;
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
