package dev.sqlrl.sql;

import java.util.Arrays;
import java.util.HexFormat;

/** A BLOB value of a result, compared by content (a bare byte[] would compare by identity). */
public record SqlBlob(byte[] bytes) {
    public SqlBlob {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    int length() {
        return bytes.length;
    }

    byte byteAt(int index) {
        return bytes[index];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SqlBlob blob && Arrays.equals(bytes, blob.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "X'" + HexFormat.of().withUpperCase().formatHex(bytes) + "'";
    }
}
