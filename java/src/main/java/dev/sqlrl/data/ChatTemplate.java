package dev.sqlrl.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's own chat template (the Jinja {@code chat_template} of tokenizer_config.json, or a
 * chat_template.jinja file beside it) rendered with Jinjava the way transformers'
 * apply_chat_template does: trim_blocks and lstrip_blocks on, {@code raise_exception} defined,
 * bos/eos tokens from the config. Models without a template get ChatML. Thread-safe.
 */
public final class ChatTemplate {
    /** ChatML, what Qwen and many fine-tunes use; the fallback when a model ships no template. */
    public static final String CHATML = """
            {% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}""";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Jinjava JINJAVA = createEngine();

    private final String template;
    private final String bosToken;
    private final String eosToken;
    private final String source;

    public ChatTemplate(String template, String bosToken, String eosToken, String source) {
        this.template = JinjaPythonCompat.rewrite(template);
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        this.source = source;
    }

    /** ChatML with no special bos/eos tokens. */
    public static ChatTemplate chatMl() {
        return new ChatTemplate(CHATML, "", "", "ChatML fallback");
    }

    /**
     * No chat markup: the messages' texts separated by blank lines, and an assistant message followed by
     * {@code eosToken} so that a model trained on it learns where its answer ends.
     */
    public static ChatTemplate plain(String eosToken) {
        return new ChatTemplate("{% for message in messages %}{{ message['content'] }}"
                + "{% if message['role'] == 'assistant' %}{{ eos_token }}{% else %}{{ '\\n\\n' }}{% endif %}{% endfor %}",
                "", eosToken, "plain text");
    }

    /** The template of a Hugging Face model (or tokenizer) folder; ChatML when it defines none. */
    public static ChatTemplate fromModelDir(Path modelDir) {
        Path configFile = modelDir.resolve("tokenizer_config.json");
        JsonNode config = MAPPER.createObjectNode();
        if (Files.isRegularFile(configFile)) {
            try {
                config = MAPPER.readTree(configFile.toFile());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UserInputException(configFile + ":" + (e.getLocation() == null ? "" : e.getLocation().getLineNr() + ":")
                        + " malformed JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw new UserInputException(configFile + ": cannot read: " + e.getMessage(), e);
            }
        }
        String bos = tokenText(config.get("bos_token"));
        String eos = tokenText(config.get("eos_token"));
        Path jinjaFile = modelDir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinjaFile)) {
            try {
                return new ChatTemplate(Files.readString(jinjaFile, StandardCharsets.UTF_8), bos, eos, jinjaFile.toString());
            } catch (IOException e) {
                throw new UserInputException(jinjaFile + ": cannot read: " + e.getMessage(), e);
            }
        }
        JsonNode template = config.get("chat_template");
        if (template == null || template.isNull()) {
            return new ChatTemplate(CHATML, bos, eos, "ChatML fallback (" + configFile + " has no chat_template)");
        }
        if (template.isTextual()) {
            return new ChatTemplate(template.asText(), bos, eos, configFile.toString());
        }
        // Newer configs list named templates; "default" is the one apply_chat_template uses.
        if (template.isArray()) {
            for (JsonNode named : template) {
                if ("default".equals(named.path("name").asText()) && named.path("template").isTextual()) {
                    return new ChatTemplate(named.get("template").asText(), bos, eos, configFile + " (default)");
                }
            }
        }
        throw new UserInputException(configFile + ": key 'chat_template' must be a string or a list holding a 'default' template");
    }

    /** Where the template came from (for logs and run records). */
    public String source() {
        return source;
    }

    /** The prompt text for the messages, ending with the assistant header when addGenerationPrompt is set. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        Map<String, Object> bindings = new HashMap<>();
        bindings.put("messages", messages.stream().map(ChatMessage::asTemplateValue).toList());
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        RenderResult result = JINJAVA.renderForResult(template, bindings);
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new UserInputException("chat template from " + source + " failed"
                        + (error.getLineno() > 0 ? " at line " + error.getLineno() : "") + ": " + describe(error));
            }
        }
        return result.getOutput();
    }

    /** The template's own raise_exception message when that is what failed, else Jinjava's message. */
    private static String describe(TemplateError error) {
        for (Throwable cause = error.getException(); cause != null; cause = cause.getCause()) {
            if (cause instanceof TemplateRaisedException raised) {
                return raised.getMessage();
            }
        }
        return error.getMessage();
    }

    private static String tokenText(JsonNode token) {
        if (token == null || token.isNull()) {
            return "";
        }
        // Older configs serialize AddedToken objects: {"content": "<s>", ...}.
        return token.isTextual() ? token.asText() : token.path("content").asText("");
    }

    private static Jinjava createEngine() {
        // HF templates rely on Python Jinja's behaviour: {{- -}} and {#- -#} trimming, filters binding
        // tighter than '+', strict whitespace control.
        LegacyOverrides jinja2Semantics = LegacyOverrides.newBuilder()
                .withUseTrimmingForNotesAndExpressions(true)
                .withParseWhitespaceControlStrictly(true)
                .withUseNaturalOperatorPrecedence(true)
                .withUsePyishObjectMapper(true)
                .withKeepNullableLoopValues(true)
                .build();
        JinjavaConfig config = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withLegacyOverrides(jinja2Semantics).build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                ChatTemplate.class, "strftimeNow", String.class));
        for (String method : new String[] {"startswith", "endswith", "split", "strip", "lstrip", "rstrip"}) {
            jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition(JinjaPythonCompat.PREFIX, method,
                    JinjaPythonCompat.class, method, Object.class, String.class));
        }
        return jinjava;
    }

    /** Jinja's raise_exception as HF defines it: templates call it to reject conversations they cannot format. */
    public static String raiseException(String message) {
        throw new TemplateRaisedException(message);
    }

    /** transformers' strftime_now (Llama 3.2 writes today's date into its system header): Python strftime codes. */
    public static String strftimeNow(String pythonFormat) {
        return strftime(pythonFormat, java.time.LocalDateTime.now());
    }

    /** Python's strftime of {@code time} for the codes templates use (d m Y y b B a A H M S, %%); others stay as written. */
    static String strftime(String pythonFormat, java.time.LocalDateTime time) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pythonFormat.length(); i++) {
            char c = pythonFormat.charAt(i);
            if (c != '%' || i + 1 == pythonFormat.length()) {
                out.append(c);
                continue;
            }
            char code = pythonFormat.charAt(++i);
            String pattern = switch (code) {
                case 'd' -> "dd";
                case 'm' -> "MM";
                case 'Y' -> "yyyy";
                case 'y' -> "yy";
                case 'b' -> "MMM";
                case 'B' -> "MMMM";
                case 'a' -> "EEE";
                case 'A' -> "EEEE";
                case 'H' -> "HH";
                case 'M' -> "mm";
                case 'S' -> "ss";
                default -> null;
            };
            if (pattern == null) {
                out.append(code == '%' ? "%" : "%" + code);
            } else {
                out.append(java.time.format.DateTimeFormatter.ofPattern(pattern, java.util.Locale.ENGLISH).format(time));
            }
        }
        return out.toString();
    }

    private static final class TemplateRaisedException extends RuntimeException {
        TemplateRaisedException(String message) {
            super(message);
        }
    }
}
