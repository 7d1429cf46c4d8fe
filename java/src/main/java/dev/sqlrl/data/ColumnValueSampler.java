package dev.sqlrl.data;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks a few distinct, short sample values of a column to show the model what the data looks like.
 * Text is read as bytes and decoded as UTF-8 with replacement, because some Spider databases hold
 * Latin-1 bytes in TEXT columns that the driver's own decoding would reject or garble.
 */
public final class ColumnValueSampler {
    /** How many distinct values to scan per wanted sample: leaves room to skip long ones. */
    private static final int SCAN_FACTOR = 8;

    private final Connection connection;
    private final int maxValueLength;

    public ColumnValueSampler(Connection connection, int maxValueLength) {
        this.connection = connection;
        this.maxValueLength = maxValueLength;
    }

    /**
     * Up to {@code count} distinct non-null values as SQL literals ('text' quoted, numbers bare), in
     * table order, each value at most maxValueLength characters.
     */
    public List<String> sampleLiterals(String table, String column, int count) throws SQLException {
        if (count <= 0) {
            return List.of();
        }
        // CAST AS BLOB hands over the stored bytes (numbers as their text), so decoding stays ours.
        String quoted = SqlIdentifiers.quote(column);
        String sql = "SELECT DISTINCT CAST(" + quoted + " AS BLOB), typeof(" + quoted + ") FROM " + SqlIdentifiers.quote(table)
                + " WHERE " + quoted + " IS NOT NULL AND typeof(" + quoted + ") != 'blob' LIMIT " + (count * SCAN_FACTOR);
        Set<String> values = new LinkedHashSet<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next() && values.size() < count) {
                byte[] bytes = rows.getBytes(1);
                String value = bytes == null ? null : decodeLeniently(bytes);
                if (value != null && !value.isBlank() && value.length() <= maxValueLength && isPrintable(value)) {
                    values.add("text".equals(rows.getString(2)) ? textLiteral(value) : value);
                }
            }
        }
        return new ArrayList<>(values);
    }

    /** A text value as a SQL string literal. */
    public static String textLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** UTF-8 with U+FFFD in place of bytes that are not UTF-8 (e.g. Latin-1 accents). */
    public static String decodeLeniently(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder cannot fail", e);
        }
    }

    private static boolean isPrintable(String value) {
        return value.codePoints().noneMatch(c -> Character.isISOControl(c) && c != '\t');
    }
}
