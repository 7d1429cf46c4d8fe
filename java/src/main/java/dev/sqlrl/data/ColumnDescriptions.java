package dev.sqlrl.data;

import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * BIRD's column and value descriptions: the {@code database_description/<table>.csv} files beside a database's
 * SQLite file, with the header {@code original_column_name, column_name, column_description, data_format,
 * value_description}. The released files are not uniform, so each is read leniently where that is safe: a UTF-8
 * BOM is dropped, bytes that are not UTF-8 are read as Windows-1252 (ISO-8859-1 where even that fails), CRLF and
 * quoted multi-line fields are CSV's own; table files and column names match case-insensitively and with
 * surrounding spaces ignored; empty descriptions, and descriptions that only repeat the column's name, are left
 * out. A file that is not CSV (an unclosed quote) or lacks the header is a user error naming it.
 */
public final class ColumnDescriptions {
    /** The folder BIRD keeps beside each {@code <db_id>.sqlite}. */
    public static final String FOLDER = "database_description";
    public static final ColumnDescriptions NONE = new ColumnDescriptions(Map.of());

    /**
     * What the files say of one column, each part whitespace-collapsed to one line, or null when absent.
     *
     * @param column the column's description ({@code column_description})
     * @param values the description of its values ({@code value_description})
     */
    public record Description(String column, String values) {}

    private static final CSVFormat FORMAT = CSVFormat.RFC4180;
    private final Map<String, Description> byColumn;

    private ColumnDescriptions(Map<String, Description> byColumn) {
        this.byColumn = Map.copyOf(byColumn);
    }

    /** The descriptions of the database in {@code dbFile}; {@link #NONE} when it has no description folder. */
    public static ColumnDescriptions forDatabase(Path dbFile) {
        Path folder = dbFile.toAbsolutePath().normalize().resolveSibling(FOLDER);
        if (!Files.isDirectory(folder)) {
            return NONE;
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UserInputException(folder + ": cannot list: " + e.getMessage(), e);
        }
        Map<String, Description> byColumn = new HashMap<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            String table = name.substring(0, name.length() - ".csv".length());
            read(file).forEach((column, description) -> byColumn.putIfAbsent(key(table, column), description));
        }
        return new ColumnDescriptions(byColumn);
    }

    /** What the files say of {@code table.column} (any case), if anything. */
    public Optional<Description> of(String table, String column) {
        return Optional.ofNullable(byColumn.get(key(table, column)));
    }

    public boolean isEmpty() {
        return byColumn.isEmpty();
    }

    /** The descriptions of one table's file by lower-case column name (the first row of a column wins). */
    static Map<String, Description> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read: " + e.getMessage(), e);
        }
        List<CSVRecord> records;
        try (CSVParser parser = CSVParser.parse(decode(bytes), FORMAT)) {
            records = parser.getRecords();
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new UserInputException(file + ": malformed CSV: " + oneLine(e.getMessage()), e);
        }
        if (records.isEmpty()) {
            return Map.of();
        }
        List<String> header = records.getFirst().stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        int original = header.indexOf("original_column_name");
        int column = header.indexOf("column_description");
        int values = header.indexOf("value_description");
        if (original < 0 || (column < 0 && values < 0)) {
            throw new UserInputException(file + ": not a BIRD description file: the header needs original_column_name "
                    + "and column_description or value_description, got " + String.join(",", header));
        }
        Map<String, Description> out = new HashMap<>();
        for (CSVRecord record : records.subList(1, records.size())) {
            String name = field(record, original);
            if (name == null) continue;
            String columnText = field(record, column);
            if (columnText != null && comparable(columnText).equals(comparable(name))) {
                columnText = null; // "Id" described as "id" says nothing
            }
            String valuesText = field(record, values);
            if (columnText == null && valuesText == null) continue;
            out.putIfAbsent(name.toLowerCase(Locale.ROOT), new Description(columnText, valuesText));
        }
        return out;
    }

    /**
     * The file's text: UTF-8 (a BOM dropped) when the bytes are valid UTF-8, else Windows-1252, the encoding of
     * BIRD's files that are not UTF-8, else ISO-8859-1 (which decodes any bytes) for the five bytes 1252 leaves undefined.
     */
    static String decode(byte[] bytes) {
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        ByteBuffer content = ByteBuffer.wrap(bytes, start, bytes.length - start);
        for (Charset charset : List.of(StandardCharsets.UTF_8, Charset.forName("windows-1252"))) {
            try {
                return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(content.duplicate()).toString();
            } catch (CharacterCodingException e) {
                // try the next encoding
            }
        }
        return StandardCharsets.ISO_8859_1.decode(content.duplicate()).toString();
    }

    /** A field stripped and with its line breaks and runs of spaces made one space (a schema comment is one line), or null when empty. */
    private static String field(CSVRecord record, int index) {
        if (index < 0 || index >= record.size()) return null;
        String text = record.get(index).replaceAll("\\s+", " ").strip();
        return text.isEmpty() ? null : text;
    }

    private static String comparable(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
    }

    private static String oneLine(String message) {
        return message == null ? "unreadable" : message.replaceAll("\\s+", " ").strip();
    }

    private static String key(String table, String column) {
        return (table.strip() + "." + column.strip()).toLowerCase(Locale.ROOT);
    }
}
