package dev.sqlrl.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Loads run configurations from YAML (with --set overrides) into validated {@link RunConfig}s and
 * writes the resolved form. Relative paths in a file are relative to that file's folder; relative
 * paths given with --set, and the defaults, are relative to the working directory. All resolved
 * paths are absolute, so a resolved config means the same wherever it is copied.
 */
public final class RunConfigs {
    // YAML 1.1 would read `curriculum: off` as false; only true and false are booleans here (as in YAML 1.2).
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private RunConfigs() {}

    /**
     * The config in {@code yaml} with {@code overrides} ("grpo.beta=0.02") applied, defaults filled in
     * and everything validated.
     *
     * @throws UserInputException naming the file and, one per line, every key that is wrong and why
     */
    public static RunConfig load(Path yaml, List<String> overrides) {
        String text;
        try {
            text = Files.readString(yaml);
        } catch (NoSuchFileException e) {
            throw new UserInputException(yaml + ": config file not found");
        } catch (IOException e) {
            throw new UserInputException(yaml + ": cannot read config file (" + e.getMessage() + ")", e);
        }
        Path folder = yaml.toAbsolutePath().getParent();
        return parse(text, yaml.toString(), folder, overrides);
    }

    /**
     * Like {@link #load} for YAML text that is not in a file.
     *
     * @param source what error messages call the text (e.g. its file name)
     * @param baseDir what relative paths in the text are relative to
     */
    public static RunConfig parse(String yamlText, String source, Path baseDir, List<String> overrides) {
        ObjectNode root = readTree(yamlText, source);
        List<String> errors = new ArrayList<>();
        Overrides applied = new Overrides(YAML, Path.of(""));
        applied.apply(root, overrides);
        errors.addAll(applied.errors());
        ConfigBinder binder = new ConfigBinder(baseDir);
        RunConfig config = binder.bind(root, RunConfig.class, RunConfig.defaults());
        errors.addAll(binder.errors());
        if (config != null) errors.addAll(RunConfigValidator.check(config));
        if (!errors.isEmpty()) {
            String where = overrides.isEmpty() ? source : source + " (with --set " + String.join(" ", overrides) + ")";
            throw new UserInputException(errors.stream().map(e -> where + ": " + e).collect(Collectors.joining("\n")));
        }
        return config;
    }

    /** The config with every key, defaults included, as YAML that {@link #parse} reads back to an equal record. */
    public static String toYaml(RunConfig config) {
        try {
            return YAML.writeValueAsString(ConfigTree.of(config));
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write config as YAML", e);
        }
    }

    /** Writes {@link #toYaml} to {@code file} (e.g. config.yaml in the run folder), so the run can be repeated exactly. */
    public static void writeResolved(RunConfig config, Path file) {
        try {
            Files.writeString(file, "# Resolved configuration of run '" + config.name()
                    + "': every key, defaults included.\n" + toYaml(config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write resolved config " + file, e);
        }
    }

    private static ObjectNode readTree(String yamlText, String source) {
        JsonNode node;
        try {
            node = YAML.readTree(yamlText);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? source : source + ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new UserInputException(where + ": not valid YAML: " + dev.sqlrl.UserJsonFiles.firstLine(e.getOriginalMessage()), e);
        }
        if (node == null || node.isMissingNode() || node.isNull()) return JsonNodeFactory.instance.objectNode();
        if (!node.isObject()) {
            throw new UserInputException(source + ": expected a mapping of keys at the top level, got a "
                    + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        return (ObjectNode) node;
    }
}
