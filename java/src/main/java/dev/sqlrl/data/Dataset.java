package dev.sqlrl.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The examples of one split and the schemas of the databases they use.
 *
 * @param source   the folder or file the dataset was read from
 * @param layout   which on-disk layout it was read as
 * @param split    the split name (train, dev, ...)
 * @param examples the examples, in file order
 * @param schemas  schema of every database an example refers to, by db id (iteration in db-id order)
 * @param missingDatabases the examples left out because their database file is missing ("file:line: db path"),
 *                 when the loader was asked to skip them
 */
public record Dataset(Path source, DatasetLayout layout, String split, List<Example> examples,
                      Map<String, DatabaseSchema> schemas, List<String> missingDatabases) {
    public Dataset {
        examples = List.copyOf(examples);
        missingDatabases = List.copyOf(missingDatabases);
        schemas = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(schemas));
    }

    public Dataset(Path source, DatasetLayout layout, String split, List<Example> examples,
                   Map<String, DatabaseSchema> schemas) {
        this(source, layout, split, examples, schemas, List.of());
    }

    /** The same split with other examples (a subset, or the same ones changed). */
    public Dataset withExamples(List<Example> others) {
        return new Dataset(source, layout, split, others, schemas, missingDatabases);
    }

    /** The schema of an example's database. */
    public DatabaseSchema schemaOf(Example example) {
        DatabaseSchema schema = schemas.get(example.dbId());
        if (schema == null) {
            throw new IllegalStateException("no schema for database '" + example.dbId() + "' in " + source);
        }
        return schema;
    }
}
