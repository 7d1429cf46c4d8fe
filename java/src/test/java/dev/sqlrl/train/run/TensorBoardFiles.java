package dev.sqlrl.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.tensorflow.framework.DataType;
import org.tensorflow.framework.Summary;
import org.tensorflow.util.Event;
import org.tensorflow.util.SessionLog;

/**
 * Reads TensorBoard event files back for tests: every record's two CRCs are checked and every record is
 * decoded, and a folder's files are merged the way TensorBoard merges them (files in name order; a
 * SessionLog START after the first drops what earlier events had at its step and later).
 */
public final class TensorBoardFiles {
    private TensorBoardFiles() {}

    /** The records of a TFRecord file; an AssertionError names the offset of a bad CRC or a torn record. */
    public static List<byte[]> records(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> records = new ArrayList<>();
        while (in.hasRemaining()) {
            int start = in.position();
            if (in.remaining() < Long.BYTES + Integer.BYTES) {
                throw new AssertionError(file + ": torn record header at offset " + start);
            }
            long length = in.getLong();
            int lengthCrc = in.getInt();
            if (lengthCrc != TfRecords.maskedCrc32c(in.array(), start, Long.BYTES)) {
                throw new AssertionError(file + ": bad length CRC at offset " + start);
            }
            if (in.remaining() < length + Integer.BYTES) {
                throw new AssertionError(file + ": torn record data at offset " + start);
            }
            byte[] data = new byte[(int) length];
            in.get(data);
            if (in.getInt() != TfRecords.maskedCrc32c(data, 0, data.length)) {
                throw new AssertionError(file + ": bad data CRC at offset " + start);
            }
            records.add(data);
        }
        return records;
    }

    /** Every record of the file decoded as an Event; the first one must be the file version. */
    public static List<Event> events(Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        for (byte[] record : records(file)) {
            try {
                events.add(Event.parseFrom(record));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(file + ": record " + events.size() + " is not an Event: " + e.getMessage(), e);
            }
        }
        assertEquals(TensorBoardEvents.FILE_VERSION, events.getFirst().getFileVersion(), file + ": first event");
        return events;
    }

    /** The event files of a folder, in the order TensorBoard reads them (by name). */
    public static List<Path> eventFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(TensorBoardEvents.FILE_PREFIX)).sorted().toList();
        }
    }

    /** Every tag's values by step (scalars as Float, text as String), as TensorBoard shows a folder of files. */
    public static Map<String, SortedMap<Long, Object>> merged(Path dir) throws IOException {
        Map<String, SortedMap<Long, Object>> byTag = new LinkedHashMap<>();
        boolean started = false;
        for (Path file : eventFiles(dir)) {
            for (Event event : events(file)) {
                if (event.hasSessionLog() && event.getSessionLog().getStatus() == SessionLog.SessionStatus.START) {
                    if (started) {
                        byTag.values().forEach(series -> series.tailMap(event.getStep()).clear());
                    }
                    started = true;
                }
                for (Summary.Value value : event.getSummary().getValueList()) {
                    byTag.computeIfAbsent(value.getTag(), t -> new TreeMap<>()).put(event.getStep(), decode(value));
                }
            }
        }
        return byTag;
    }

    /** A rank-0 float tensor as a Float, a rank-0 string tensor as a String. */
    static Object decode(Summary.Value value) {
        var tensor = value.getTensor();
        assertEquals(0, tensor.getTensorShape().getDimCount(), value.getTag() + ": rank");
        if (tensor.getDtype() == DataType.DT_FLOAT) {
            // as TensorFlow writes it: the value's 4 bytes in tensor_content, nothing in float_val
            assertEquals(0, tensor.getFloatValCount(), value.getTag());
            assertEquals(Float.BYTES, tensor.getTensorContent().size(), value.getTag());
            return tensor.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat();
        }
        assertEquals(DataType.DT_STRING, tensor.getDtype(), value.getTag());
        return tensor.getStringVal(0).toString(StandardCharsets.UTF_8);
    }

    /**
     * The scalars TensorBoard should show for a metrics.jsonl: every number and boolean (1/0) by key and
     * step, as float32; a null (a non-finite number the JSON could not hold) as NaN, to be matched by any
     * non-finite value.
     */
    public static Map<String, SortedMap<Long, Object>> expectedScalars(List<Map<String, Object>> records) {
        Map<String, SortedMap<Long, Object>> byTag = new LinkedHashMap<>();
        for (Map<String, Object> record : records) {
            long step = (Long) record.get(MetricKeys.STEP);
            record.forEach((key, value) -> {
                Float scalar = switch (value) {
                    case Number n -> n.floatValue();
                    case Boolean b -> b ? 1f : 0f;
                    case null -> Float.NaN;
                    default -> null;
                };
                if (scalar != null && !key.equals(MetricKeys.STEP)) {
                    byTag.computeIfAbsent(key, t -> new TreeMap<>()).put(step, scalar);
                }
            });
        }
        return byTag;
    }

    /** Non-finite scalars (metrics.jsonl's nulls) compared as NaN, so that equals() can compare the maps. */
    public static Map<String, SortedMap<Long, Object>> nonFiniteAsNaN(Map<String, SortedMap<Long, Object>> byTag) {
        Map<String, SortedMap<Long, Object>> out = new LinkedHashMap<>();
        byTag.forEach((tag, series) -> {
            SortedMap<Long, Object> copy = new TreeMap<>();
            series.forEach((step, v) -> copy.put(step, v instanceof Float f && !Float.isFinite(f) ? Float.NaN : v));
            out.put(tag, copy);
        });
        return out;
    }

    /** The bytes written as hex, for readable failures of byte comparisons. */
    public static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02x", b));
        }
        return out + " (" + bytes.length + " bytes)";
    }
}
