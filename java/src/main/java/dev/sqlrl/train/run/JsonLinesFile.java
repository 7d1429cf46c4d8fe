package dev.sqlrl.train.run;

import dev.sqlrl.DurableFiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * An append-only JSON Lines file of records that each carry an integer "step", shared by
 * {@link MetricsLog} and {@link SamplesLog}. Each record is one write of one line, so a crash
 * leaves at most a torn last line; reopening for a resumed run drops that line and every record
 * after the resumed step, so the file ends up as if the run had never stopped.
 */
final class JsonLinesFile implements AutoCloseable {
    static final String STEP = "step";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final TypeReference<LinkedHashMap<String, Object>> RECORD = new TypeReference<>() {};

    private final AppendOnlyFile out;

    private JsonLinesFile(AppendOnlyFile out) {
        this.out = out;
    }

    /**
     * Opens {@code file} for appending, first dropping every record whose step is greater than
     * {@code resumeAfterStep} (-1 drops all: a fresh start) and a torn last line.
     */
    static JsonLinesFile open(Path file, long resumeAfterStep) {
        try {
            if (Files.exists(file)) {
                truncateAfter(file, resumeAfterStep);
            }
            return new JsonLinesFile(AppendOnlyFile.open(file, false));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return out.file();
    }

    /** Records are ordered and truncated by step, so every one needs it. */
    static void requireStep(Map<String, Object> record) {
        Object step = record.get(JsonLinesFile.STEP);
        boolean integral = step instanceof Long || step instanceof Integer || step instanceof Short || step instanceof Byte;
        if (!integral || ((Number) step).longValue() < 0) {
            throw new IllegalArgumentException("record needs \"step\" to be a non-negative integer, got " + step);
        }
    }

    /** Writes the record as one line; NaN and infinities become null so that the line stays valid JSON. */
    void append(Map<String, Object> record) {
        byte[] line;
        try {
            line = (JSON.writeValueAsString(jsonSafe(record)) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("record cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        out.append(line);
    }

    @Override
    public void close() {
        out.close();
    }

    /**
     * Every record of the file in order. A malformed line is an error naming the file and line,
     * except an unterminated last line that does not parse: that one is being written right now
     * (a live run) or was torn by a crash, and is skipped.
     */
    static List<Map<String, Object>> read(Path file) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (Line line : lines(file)) {
            if (line.record() != null) {
                records.add(line.record());
            }
        }
        return records;
    }

    private record Line(String text, Map<String, Object> record, long step) {}

    private static List<Line> lines(Path file) {
        return lines(file, readContent(file));
    }

    private static String readContent(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserInputException(file + " does not exist");
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Line> lines(Path file, String content) {
        String[] texts = content.split("\n", -1);
        // split leaves an empty string after a final newline; otherwise the last element is unterminated
        int count = texts.length - 1;
        boolean tornTail = !texts[count].isBlank();
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i <= count; i++) {
            String text = texts[i];
            if (text.isBlank()) {
                continue;
            }
            boolean lastUnterminated = i == count;
            Map<String, Object> record;
            try {
                record = JSON.readValue(text, RECORD);
            } catch (JsonProcessingException e) {
                if (lastUnterminated && tornTail) {
                    lines.add(new Line(text, null, -1));
                    continue;
                }
                throw new UserInputException(file + ":" + (i + 1) + ": not a JSON object: " + e.getOriginalMessage());
            }
            if (record == null) { // the line "null"
                throw new UserInputException(file + ":" + (i + 1) + ": not a JSON object: null");
            }
            if (!(record.get(STEP) instanceof Long step)) {
                throw new UserInputException(file + ":" + (i + 1) + ": record has no integer \"" + STEP + "\"");
            }
            lines.add(new Line(text, record, step));
        }
        return lines;
    }

    private static void truncateAfter(Path file, long resumeAfterStep) {
        String content = readContent(file);
        List<Line> lines = lines(file, content);
        StringBuilder kept = new StringBuilder();
        boolean dropped = false;
        for (Line line : lines) {
            if (line.record() != null && line.step() <= resumeAfterStep) {
                kept.append(line.text()).append('\n');
            } else {
                dropped = true;
            }
        }
        boolean terminated = content.isEmpty() || content.endsWith("\n");
        if (dropped || !terminated) {
            DurableFiles.writeAtomically(file, kept.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A copy in which non-finite numbers (and empty optionals) are null, recursively through maps and lists. */
    static Object jsonSafe(Object value) {
        return switch (value) {
            case null -> null;
            case Double d -> Double.isFinite(d) ? d : null;
            case Float f -> Float.isFinite(f) ? f : null;
            case OptionalDouble o -> o.isPresent() ? jsonSafe(o.getAsDouble()) : null;
            case OptionalLong o -> o.isPresent() ? o.getAsLong() : null;
            case Map<?, ?> map -> {
                Map<Object, Object> copy = new LinkedHashMap<>();
                map.forEach((k, v) -> copy.put(k, jsonSafe(v)));
                yield copy;
            }
            case Collection<?> list -> list.stream().map(JsonLinesFile::jsonSafe).toList();
            case double[] array -> java.util.Arrays.stream(array).boxed().map(JsonLinesFile::jsonSafe).toList();
            default -> value;
        };
    }
}
