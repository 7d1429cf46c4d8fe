package dev.sqlrl.data.values;

import dev.sqlrl.data.ColumnValueSampler;
import dev.sqlrl.data.DatabaseSchema;
import dev.sqlrl.data.ReadOnlySqlite;
import dev.sqlrl.data.SqlIdentifiers;
import dev.sqlrl.data.SqliteSchemaReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;

/**
 * Writes the Lucene index of one database's distinct text values: one document per (table, column, value).
 * Values stream from SQLite row by row and Lucene flushes segments at a fixed RAM buffer, so memory stays bounded
 * whatever the database's size.
 */
final class ValueIndexBuilder {
    /** Longer text is prose (descriptions, comments), not a literal a question would name. */
    static final int MAX_INDEXED_LENGTH = 100;
    static final String TABLE = "table";
    static final String COLUMN = "column";
    static final String VALUE = "value";
    private static final double RAM_BUFFER_MB = 32;
    private static final long PROGRESS_EVERY = 200_000;

    private ValueIndexBuilder() {}

    /** Indexes {@code dbFile} into the empty folder {@code indexDir}; returns the number of values indexed. */
    static long build(Path dbFile, Path indexDir, PrintStream progress) throws IOException {
        DatabaseSchema schema = SqliteSchemaReader.read(dbFile.getFileName().toString(), dbFile);
        IndexWriterConfig config = new IndexWriterConfig(ValueAnalyzers.create())
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE).setRAMBufferSizeMB(RAM_BUFFER_MB);
        long count = 0;
        try (FSDirectory directory = FSDirectory.open(indexDir);
             IndexWriter writer = new IndexWriter(directory, config);
             Connection connection = ReadOnlySqlite.open(dbFile)) {
            for (DatabaseSchema.Table table : schema.tables()) {
                for (DatabaseSchema.Column column : table.columns()) {
                    count = indexColumn(connection, writer, table.name(), column.name(), count, progress, dbFile);
                }
            }
            writer.commit();
        } catch (SQLException e) {
            throw new IOException(dbFile + ": cannot read values: " + e.getMessage(), e);
        }
        return count;
    }

    private static long indexColumn(Connection connection, IndexWriter writer, String table, String column, long count,
                                    PrintStream progress, Path dbFile) throws SQLException, IOException {
        String quoted = SqlIdentifiers.quote(column);
        // Bytes, decoded by us: some Spider databases hold Latin-1 in TEXT columns (see ColumnValueSampler).
        String sql = "SELECT DISTINCT CAST(" + quoted + " AS BLOB) FROM " + SqlIdentifiers.quote(table)
                + " WHERE typeof(" + quoted + ") = 'text' AND length(" + quoted + ") <= " + MAX_INDEXED_LENGTH;
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                byte[] bytes = rows.getBytes(1);
                String value = bytes == null ? "" : ColumnValueSampler.decodeLeniently(bytes);
                if (value.isBlank()) {
                    continue;
                }
                writer.addDocument(document(table, column, value));
                if (++count % PROGRESS_EVERY == 0) {
                    progress.printf("values: %s: %,d values indexed (at %s.%s)%n", dbFile.getFileName(), count, table, column);
                }
            }
        }
        return count;
    }

    private static Document document(String table, String column, String value) {
        Document document = new Document();
        document.add(new StoredField(TABLE, table));
        document.add(new StoredField(COLUMN, column));
        document.add(new StoredField(VALUE, value));
        document.add(new TextField(ValueAnalyzers.WORDS, value, Field.Store.NO));
        document.add(new TextField(ValueAnalyzers.GRAMS, value, Field.Store.NO));
        return document;
    }
}
