package dev.sqlrl.sql;

import dev.sqlrl.UserInputException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The framing between {@link SqlSandbox} and a {@link SandboxWorker} over the worker's stdin and
 * stdout: a request is a database path and a statement; a reply is an {@link ExecutionResult} or a
 * user error. Hand-written: a dozen typed fields, where a serialization library would add a
 * dependency and Java serialization would deserialize whatever a broken worker sends. Strings
 * travel as UTF-16 code units, so every Java string (lone surrogates included) arrives unchanged.
 */
final class SandboxWire {
    /** The first byte a worker writes once it is ready for queries. */
    static final int READY = 0x51;

    private static final int SUCCESS = 0;
    private static final int FAILURE = 1;
    private static final int USER_ERROR = 2;

    private static final int NULL = 0;
    private static final int INTEGER = 1;
    private static final int REAL = 2;
    private static final int TEXT = 3;
    private static final int BLOB = 4;

    /** A query for a worker. */
    record Request(Path database, String sql) {}

    /** A worker's answer; {@code retire} asks the parent not to reuse the worker (it ran out of memory). */
    record Reply(ExecutionResult result, boolean retire) {}

    private SandboxWire() {}

    static void writeRequest(DataOutputStream out, Request request) throws IOException {
        writeString(out, request.database().toString());
        writeString(out, request.sql());
        out.flush();
    }

    /** The next request, or null when the parent closed the pipe. */
    static Request readRequest(DataInputStream in) throws IOException {
        String database;
        try {
            database = readString(in);
        } catch (EOFException closed) {
            return null;
        }
        return new Request(Path.of(database), readString(in));
    }

    static void writeResult(DataOutputStream out, ExecutionResult result, boolean retire) throws IOException {
        out.writeBoolean(retire);
        if (!result.isSuccess()) {
            out.writeByte(FAILURE);
            writeString(out, result.errorCategory().name());
            writeString(out, result.errorMessage());
            out.writeLong(result.elapsedNanos());
            out.flush();
            return;
        }
        out.writeByte(SUCCESS);
        out.writeLong(result.elapsedNanos());
        out.writeLong(result.approximateBytes());
        out.writeInt(result.columns().size());
        for (String column : result.columns()) writeString(out, column);
        out.writeInt(result.rows().size());
        for (List<Object> row : result.rows()) {
            for (Object value : row) writeValue(out, value);
        }
        out.flush();
    }

    static void writeUserError(DataOutputStream out, String message) throws IOException {
        out.writeBoolean(false);
        out.writeByte(USER_ERROR);
        writeString(out, message);
        out.flush();
    }

    /** The worker's reply; a user error (a database that cannot be opened) is thrown as {@link UserInputException}. */
    static Reply readReply(DataInputStream in) throws IOException {
        boolean retire = in.readBoolean();
        int kind = in.readUnsignedByte();
        if (kind == USER_ERROR) throw new UserInputException(readString(in));
        if (kind == FAILURE) {
            ErrorCategory category = ErrorCategory.valueOf(readString(in));
            String message = readString(in);
            return new Reply(ExecutionResult.failure(category, message, in.readLong()), retire);
        }
        if (kind != SUCCESS) throw new IOException("the sandbox worker sent an unknown reply kind " + kind);
        long elapsed = in.readLong();
        long bytes = in.readLong();
        int columnCount = in.readInt();
        List<String> columns = new ArrayList<>(columnCount);
        for (int i = 0; i < columnCount; i++) columns.add(readString(in));
        int rowCount = in.readInt();
        List<List<Object>> rows = new ArrayList<>(rowCount);
        for (int r = 0; r < rowCount; r++) {
            Object[] values = new Object[columnCount];
            for (int i = 0; i < columnCount; i++) values[i] = readValue(in);
            rows.add(Collections.unmodifiableList(Arrays.asList(values)));
        }
        return new Reply(ExecutionResult.success(columns, rows, bytes, elapsed), retire);
    }

    private static void writeValue(DataOutputStream out, Object value) throws IOException {
        switch (value) {
            case null -> out.writeByte(NULL);
            case Long number -> {
                out.writeByte(INTEGER);
                out.writeLong(number);
            }
            case Double number -> {
                out.writeByte(REAL);
                out.writeDouble(number);
            }
            case String text -> {
                out.writeByte(TEXT);
                writeString(out, text);
            }
            case SqlBlob blob -> {
                out.writeByte(BLOB);
                out.writeInt(blob.length());
                out.write(blob.bytes());
            }
            default -> throw new IllegalArgumentException("not a result value: " + value.getClass().getName());
        }
    }

    private static Object readValue(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case NULL -> null;
            case INTEGER -> in.readLong();
            case REAL -> in.readDouble();
            case TEXT -> readString(in);
            case BLOB -> {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                yield new SqlBlob(bytes);
            }
            default -> throw new IOException("the sandbox worker sent an unknown value tag " + tag);
        };
    }

    private static void writeString(DataOutputStream out, String text) throws IOException {
        byte[] bytes = new byte[2 * text.length()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes[2 * i] = (byte) (c >>> 8);
            bytes[2 * i + 1] = (byte) c;
        }
        out.writeInt(text.length());
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) throw new IOException("the sandbox worker sent a negative string length");
        byte[] bytes = new byte[2 * length];
        in.readFully(bytes);
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = (char) ((bytes[2 * i] & 0xFF) << 8 | bytes[2 * i + 1] & 0xFF);
        return new String(chars);
    }
}
