package dev.sqlrl.data;

import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A versioned prompt template: a system part and a user part with {schema}, {question} and
 * {evidence} placeholders, plus the answer format it asks for. Templates are resource files
 * ({@code prompts/<name>-v<version>.txt}) or files given by path. File format: '#' comment lines,
 * 'key: value' headers (name, version, answer-format), then '[system]' and '[user]' sections.
 * A line holding a placeholder without a value is dropped (no "External knowledge:" line on Spider).
 */
public record PromptTemplate(String name, int version, AnswerFormat answerFormat, String system, String user) {
    private static final List<String> PLACEHOLDERS = List.of("schema", "question", "evidence");
    public static final String DEFAULT_ID = "text2sql-v1";
    /** The templates in the jar (resources/prompts/ID.txt); a test keeps this list equal to that folder. */
    public static final List<String> BUNDLED = List.of("text2sql-v1", "text2sql-compact-v1", "text2sql-single-db-v1",
            "text2sql-reasoning-v1");

    /** {@code name-vN}: what runs and reports record to say which prompt was used. */
    public String id() {
        return name + "-v" + version;
    }

    /** A bundled template by id (e.g. {@code text2sql-v1}), or a template file when the argument is a path to one. */
    public static PromptTemplate load(String idOrPath) {
        Path path = Path.of(idOrPath);
        if (idOrPath.endsWith(".txt") && Files.isRegularFile(path)) {
            try {
                return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
            } catch (IOException e) {
                throw new UserInputException(path + ": cannot read: " + e.getMessage(), e);
            }
        }
        String resource = "prompts/" + idOrPath + ".txt";
        try (InputStream in = PromptTemplate.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new UserInputException("unknown prompt template '" + idOrPath + "': neither a bundled template ("
                        + String.join(", ", BUNDLED) + ") nor an existing .txt file");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new UserInputException(resource + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses template text; {@code source} names it in errors. */
    public static PromptTemplate parse(String text, String source) {
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, StringBuilder> sections = new LinkedHashMap<>();
        StringBuilder current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String trimmed = line.trim();
            if (trimmed.equals("[system]") || trimmed.equals("[user]")) {
                String section = trimmed.substring(1, trimmed.length() - 1);
                if (sections.containsKey(section)) {
                    throw new UserInputException(source + ":" + (i + 1) + ": section [" + section + "] appears twice");
                }
                current = new StringBuilder();
                sections.put(section, current);
            } else if (current != null) {
                current.append(line).append('\n');
            } else if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                int colon = trimmed.indexOf(':');
                if (colon <= 0) {
                    throw new UserInputException(source + ":" + (i + 1) + ": expected 'key: value' or a [system]/[user] section, got '" + trimmed + "'");
                }
                headers.put(trimmed.substring(0, colon).trim(), trimmed.substring(colon + 1).trim());
            }
        }
        String name = required(headers, "name", source);
        int version;
        try {
            version = Integer.parseInt(required(headers, "version", source));
        } catch (NumberFormatException e) {
            throw new UserInputException(source + ": header 'version' must be an integer, got '" + headers.get("version") + "'");
        }
        AnswerFormat format;
        try {
            format = AnswerFormat.fromKey(required(headers, "answer-format", source));
        } catch (IllegalArgumentException e) {
            throw new UserInputException(source + ": header 'answer-format': " + e.getMessage() + " (known: sql-fence, think-answer)");
        }
        if (!sections.containsKey("user")) {
            throw new UserInputException(source + ": missing the [user] section");
        }
        String user = sections.get("user").toString().strip();
        // a template may leave the schema out on purpose (one fixed database), but must say so
        boolean schemaOmitted = "omitted".equals(headers.get("schema"));
        if (headers.containsKey("schema") && !schemaOmitted) {
            throw new UserInputException(source + ": header 'schema' can only be 'omitted', got '" + headers.get("schema") + "'");
        }
        if (schemaOmitted && user.contains("{schema}")) {
            throw new UserInputException(source + ": 'schema: omitted' but the [user] section contains {schema}");
        }
        for (String needed : schemaOmitted ? List.of("{question}") : List.of("{schema}", "{question}")) {
            if (!user.contains(needed)) {
                throw new UserInputException(source + ": the [user] section must contain " + needed
                        + (needed.equals("{schema}") ? " (or the header 'schema: omitted')" : ""));
            }
        }
        String system = sections.containsKey("system") ? sections.get("system").toString().strip() : "";
        return new PromptTemplate(name, version, format, system, user);
    }

    private static String required(Map<String, String> headers, String key, String source) {
        String value = headers.get(key);
        if (value == null || value.isEmpty()) {
            throw new UserInputException(source + ": missing header '" + key + ": ...'");
        }
        return value;
    }

    /** The chat messages for one question: system (when the template has one) and user. */
    public List<ChatMessage> messages(String schema, String question, String evidence) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("schema", schema.strip());
        values.put("question", question.strip());
        values.put("evidence", evidence == null ? null : evidence.strip());
        List<ChatMessage> messages = new ArrayList<>();
        if (!system.isEmpty()) {
            messages.add(new ChatMessage("system", fill(system, values)));
        }
        messages.add(new ChatMessage("user", fill(user, values)));
        return messages;
    }

    private static String fill(String text, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            boolean missingValue = false;
            String filled = line;
            for (String key : PLACEHOLDERS) {
                String placeholder = "{" + key + "}";
                if (filled.contains(placeholder)) {
                    String value = values.get(key);
                    if (value == null || value.isEmpty()) {
                        missingValue = true;
                        break;
                    }
                    filled = filled.replace(placeholder, value);
                }
            }
            if (!missingValue) {
                out.append(filled).append('\n');
            }
        }
        return out.toString().strip();
    }
}
