package dev.sqlrl.data;

import dev.sqlrl.UserInputException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a schema as the text a model reads: CREATE TABLE statements with PRIMARY KEY and FOREIGN KEY
 * clauses, optionally with BIRD's column descriptions and a few sample values of each column as a trailing
 * comment ({@code -- description; value description: ...; e.g. 1, 2}); or, compact, one
 * line per table ({@code staff(id, name, company_id -> companies.id)}), a third of the tokens, for
 * small models and long schemas. Serialized text is cached per database (prompts of one database
 * repeat it); the class is thread-safe.
 */
public final class SchemaSerializer {
    /** How tables are written. */
    public enum Format {
        /** CREATE TABLE statements. */
        DDL,
        /** {@code table(column, column -> other_table.column, ...)}, one line per table; no types or samples. */
        COMPACT
    }

    /**
     * @param foreignKeys    write FOREIGN KEY clauses (compact: {@code -> table.column} after the column)
     * @param sampleValues   distinct sample values per column (0 = none; needs the database file; DDL only)
     * @param maxValueLength sample values longer than this are skipped
     * @param format         DDL or compact
     * @param descriptions   write BIRD's column and value descriptions ({@link ColumnDescriptions}) into the column
     *                       comments where the database has them (DDL only)
     */
    public record Options(boolean foreignKeys, int sampleValues, int maxValueLength, Format format, boolean descriptions) {
        public static final Options DEFAULT = new Options(true, 3, 40);

        public Options(boolean foreignKeys, int sampleValues, int maxValueLength) {
            this(foreignKeys, sampleValues, maxValueLength, Format.DDL);
        }

        public Options(boolean foreignKeys, int sampleValues, int maxValueLength, Format format) {
            this(foreignKeys, sampleValues, maxValueLength, format, false);
        }

        public Options {
            if (sampleValues < 0) {
                throw new IllegalArgumentException("sampleValues must be >= 0, got " + sampleValues);
            }
            if (maxValueLength < 1) {
                throw new IllegalArgumentException("maxValueLength must be >= 1, got " + maxValueLength);
            }
        }
    }

    private final Options options;
    private final Map<Path, String> cache = new ConcurrentHashMap<>();
    private final Map<Path, Map<String, List<String>>> samplesCache = new ConcurrentHashMap<>();
    private final Map<Path, ColumnDescriptions> descriptionsCache = new ConcurrentHashMap<>();

    public SchemaSerializer(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /** The schema as DDL; sample values are read from {@code dbFile} when the options ask for them. */
    public String serialize(DatabaseSchema schema, Path dbFile) {
        return cache.computeIfAbsent(dbFile.toAbsolutePath().normalize(), key -> render(schema, dbFile, null));
    }

    /**
     * The schema with the values a question mentions (by {@code table.column} in lower case, from value retrieval)
     * first in each column's comment, then the sample values not already shown: OmniSQL's {@code -- example values:}
     * layout, which every column comment takes once retrieval is on. Compact format shows no values. With
     * {@code matchedValues} null (no retrieval) the layout is {@link #serialize(DatabaseSchema, Path)}'s, uncached:
     * for a part of a schema (pruned by schema linking).
     */
    public String serialize(DatabaseSchema schema, Path dbFile, Map<String, List<String>> matchedValues) {
        return render(schema, dbFile, matchedValues);
    }

    private String render(DatabaseSchema schema, Path dbFile, Map<String, List<String>> matchedValues) {
        if (options.format() == Format.COMPACT) {
            return renderCompact(schema);
        }
        return renderTables(schema, samplesOf(schema, dbFile), descriptionsOf(dbFile), matchedValues);
    }

    /**
     * Whether the text of {@code dbFile}'s schema carries BIRD descriptions: the option is on, the format DDL and
     * the database has description files that describe something. Prompts record it in their template id.
     */
    public boolean showsDescriptions(Path dbFile) {
        return options.format() == Format.DDL && !descriptionsOf(dbFile).isEmpty();
    }

    private ColumnDescriptions descriptionsOf(Path dbFile) {
        if (!options.descriptions()) {
            return ColumnDescriptions.NONE;
        }
        return descriptionsCache.computeIfAbsent(dbFile.toAbsolutePath().normalize(), ColumnDescriptions::forDatabase);
    }

    /** Sample literals by lower-case {@code table.column}, read once per database. */
    private Map<String, List<String>> samplesOf(DatabaseSchema schema, Path dbFile) {
        if (options.sampleValues() == 0) {
            return Map.of();
        }
        return samplesCache.computeIfAbsent(dbFile.toAbsolutePath().normalize(), key -> {
            try (Connection connection = ReadOnlySqlite.open(dbFile)) {
                ColumnValueSampler sampler = new ColumnValueSampler(connection, options.maxValueLength());
                Map<String, List<String>> samples = new java.util.HashMap<>();
                for (DatabaseSchema.Table table : schema.tables()) {
                    for (DatabaseSchema.Column column : table.columns()) {
                        samples.put(columnKey(table, column), samples(sampler, table, column));
                    }
                }
                return samples;
            } catch (SQLException e) {
                throw new UserInputException(dbFile + ": cannot read sample values: " + e.getMessage(), e);
            }
        });
    }

    private static String columnKey(DatabaseSchema.Table table, DatabaseSchema.Column column) {
        return (table.name() + "." + column.name()).toLowerCase(java.util.Locale.ROOT);
    }

    private String renderTables(DatabaseSchema schema, Map<String, List<String>> samples,
                                ColumnDescriptions descriptions, Map<String, List<String>> matchedValues) {
        StringBuilder out = new StringBuilder();
        for (DatabaseSchema.Table table : schema.tables()) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append("CREATE TABLE ").append(SqlIdentifiers.quoteIfNeeded(table.name())).append(" (\n");
            List<String> constraints = constraints(schema, table);
            List<DatabaseSchema.Column> columns = table.columns();
            for (int i = 0; i < columns.size(); i++) {
                DatabaseSchema.Column column = columns.get(i);
                out.append("  ").append(SqlIdentifiers.quoteIfNeeded(column.name()));
                if (!column.type().isBlank()) {
                    out.append(' ').append(column.type());
                }
                if (i < columns.size() - 1 || !constraints.isEmpty()) {
                    out.append(',');
                }
                List<String> comment = new java.util.ArrayList<>();
                descriptions.of(table.name(), column.name()).ifPresent(d -> {
                    if (d.column() != null) comment.add(d.column());
                    if (d.values() != null) comment.add("value description: " + d.values());
                });
                List<String> columnSamples = samples.getOrDefault(columnKey(table, column), List.of());
                if (matchedValues == null) {
                    if (!columnSamples.isEmpty()) {
                        comment.add("e.g. " + String.join(", ", columnSamples));
                    }
                } else {
                    java.util.LinkedHashSet<String> shown = new java.util.LinkedHashSet<>();
                    for (String value : matchedValues.getOrDefault(columnKey(table, column), List.of())) {
                        shown.add(ColumnValueSampler.textLiteral(value));
                    }
                    shown.addAll(columnSamples);
                    if (!shown.isEmpty()) {
                        comment.add("example values: " + String.join(", ", shown));
                    }
                }
                if (!comment.isEmpty()) {
                    out.append(" -- ").append(String.join("; ", comment));
                }
                out.append('\n');
            }
            for (int i = 0; i < constraints.size(); i++) {
                out.append("  ").append(constraints.get(i)).append(i < constraints.size() - 1 ? ",\n" : "\n");
            }
            out.append(");\n");
        }
        return out.toString();
    }

    private String renderCompact(DatabaseSchema schema) {
        StringBuilder out = new StringBuilder();
        for (DatabaseSchema.Table table : schema.tables()) {
            List<String> columns = new java.util.ArrayList<>();
            for (DatabaseSchema.Column column : table.columns()) {
                String text = SqlIdentifiers.quoteIfNeeded(column.name());
                if (options.foreignKeys()) {
                    for (DatabaseSchema.ForeignKey key : schema.foreignKeysFrom(table.name())) {
                        if (key.fromColumn().equalsIgnoreCase(column.name())) {
                            text += " -> " + SqlIdentifiers.quoteIfNeeded(key.toTable()) + "."
                                    + SqlIdentifiers.quoteIfNeeded(key.toColumn());
                        }
                    }
                }
                columns.add(text);
            }
            out.append(SqlIdentifiers.quoteIfNeeded(table.name())).append('(').append(String.join(", ", columns)).append(")\n");
        }
        return out.toString();
    }

    private List<String> constraints(DatabaseSchema schema, DatabaseSchema.Table table) {
        List<String> constraints = new java.util.ArrayList<>();
        if (!table.primaryKey().isEmpty()) {
            constraints.add("PRIMARY KEY (" + String.join(", ",
                    table.primaryKey().stream().map(SqlIdentifiers::quoteIfNeeded).toList()) + ")");
        }
        if (options.foreignKeys()) {
            for (DatabaseSchema.ForeignKey key : schema.foreignKeysFrom(table.name())) {
                constraints.add("FOREIGN KEY (" + SqlIdentifiers.quoteIfNeeded(key.fromColumn()) + ") REFERENCES "
                        + SqlIdentifiers.quoteIfNeeded(key.toTable()) + "(" + SqlIdentifiers.quoteIfNeeded(key.toColumn()) + ")");
            }
        }
        return constraints;
    }

    private List<String> samples(ColumnValueSampler sampler, DatabaseSchema.Table table, DatabaseSchema.Column column) {
        try {
            return sampler.sampleLiterals(table.name(), column.name(), options.sampleValues());
        } catch (SQLException e) {
            // tables.json can name a column the file lacks; the schema text is still useful without samples.
            return List.of();
        }
    }
}
