package dev.sqlrl.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Python-isms of Hugging Face chat templates that Jinjava lacks (Qwen3's template uses them all), rewritten into
 * what Jinjava understands before rendering, with Python's meaning:
 * <ul>
 *   <li>str methods {@code s.startswith(x)}, {@code endswith}, {@code split}, {@code strip}, {@code lstrip},
 *       {@code rstrip} become calls of the functions below ({@code py:startswith(s, x)}, ...), chains included;</li>
 *   <li>the reversed slice {@code xs[::-1]} becomes {@code (xs|reverse)};</li>
 *   <li>keyword arguments of {@code namespace(...)} are parenthesized: Jinjava would bind
 *       {@code last_query_index=messages|length - 1} as {@code (last_query_index=...) - 1}.</li>
 * </ul>
 * Hand-written because no Jinja engine for the JVM implements Python's str methods; the rewrite works on the
 * template text only inside {{ }} and {% %} tags.
 */
public final class JinjaPythonCompat {
    static final String PREFIX = "py";
    private static final Set<String> STRING_METHODS = Set.of("startswith", "endswith", "split", "strip", "lstrip", "rstrip");
    private static final Pattern TAG = Pattern.compile("\\{\\{.*?\\}\\}|\\{%.*?%\\}", Pattern.DOTALL);
    private static final Pattern METHOD_CALL = Pattern.compile("\\.(" + String.join("|", STRING_METHODS) + ")\\(");
    private static final Pattern NAMESPACE_CALL = Pattern.compile("namespace\\(([^()]*)\\)");
    private static final Pattern KEYWORD_ARGUMENT = Pattern.compile("(\\w+)\\s*=\\s*([^,]+)");
    private static final Pattern REVERSED_SLICE = Pattern.compile("([\\w.]+)\\[::-1\\]");

    private JinjaPythonCompat() {}

    static String rewrite(String template) {
        Matcher tag = TAG.matcher(template);
        StringBuilder out = new StringBuilder();
        while (tag.find()) {
            String code = REVERSED_SLICE.matcher(tag.group()).replaceAll("($1|reverse)");
            tag.appendReplacement(out, Matcher.quoteReplacement(stringMethods(namespaceArguments(code))));
        }
        tag.appendTail(out);
        return out.toString();
    }

    private static String namespaceArguments(String code) {
        Matcher call = NAMESPACE_CALL.matcher(code);
        StringBuilder out = new StringBuilder();
        while (call.find()) {
            String args = KEYWORD_ARGUMENT.matcher(call.group(1)).replaceAll(m -> m.group(1) + "=(" + m.group(2).strip() + ")");
            call.appendReplacement(out, Matcher.quoteReplacement("namespace(" + args + ")"));
        }
        call.appendTail(out);
        return out.toString();
    }

    /** Rewrites the leftmost method call until none is left, so that chains nest from the inside out. */
    private static String stringMethods(String code) {
        Matcher m = METHOD_CALL.matcher(code);
        while (m.find()) {
            int dot = m.start();
            int receiverStart = receiverStart(code, dot);
            int argsEnd = closing(code, m.end() - 1);
            if (receiverStart == dot || argsEnd < 0) return code;  // not a shape we understand: leave it to Jinjava
            String receiver = code.substring(receiverStart, dot);
            String args = code.substring(m.end(), argsEnd).strip();
            String call = PREFIX + ":" + m.group(1) + "(" + receiver + ", " + (args.isEmpty() ? "null" : args) + ")";
            code = code.substring(0, receiverStart) + call + code.substring(argsEnd + 1);
            m = METHOD_CALL.matcher(code);
        }
        return code;
    }

    /** Where the expression ending just before `end` starts: names, dots, [..] subscripts, (..) calls, a quoted string. */
    private static int receiverStart(String code, int end) {
        int i = end;
        while (i > 0) {
            char c = code.charAt(i - 1);
            if (c == ']' || c == ')') {
                i = opening(code, i - 1);
                if (i < 0) return end;
            } else if (c == '\'' || c == '"') {
                int open = code.lastIndexOf(c, i - 2);
                if (open < 0) return end;
                i = open;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == ':') {
                i--;
            } else {
                break;
            }
        }
        return i;
    }

    private static int opening(String code, int close) {
        int depth = 0;
        for (int i = close; i >= 0; i--) {
            char c = code.charAt(i);
            if (c == ')' || c == ']') depth++;
            if (c == '(' || c == '[') depth--;
            if (depth == 0) return i;
        }
        return -1;
    }

    private static int closing(String code, int open) {
        int depth = 0;
        char quote = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    // ---- Python's str methods, called by the rewritten templates ----

    public static boolean startswith(Object s, String prefix) {
        return s != null && s.toString().startsWith(prefix);
    }

    public static boolean endswith(Object s, String suffix) {
        return s != null && s.toString().endsWith(suffix);
    }

    /** str.split(sep): every piece, empty ones included; without sep, runs of whitespace. */
    public static List<String> split(Object s, String separator) {
        String text = s == null ? "" : s.toString();
        List<String> parts = new ArrayList<>();
        if (separator == null) {
            for (String p : text.strip().split("\\s+")) if (!p.isEmpty()) parts.add(p);
            return parts;
        }
        int from = 0;
        for (int at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, from)) {
            parts.add(text.substring(from, at));
            from = at + separator.length();
        }
        parts.add(text.substring(from));
        return parts;
    }

    public static String strip(Object s, String chars) {
        return rstrip(lstrip(s, chars), chars);
    }

    public static String lstrip(Object s, String chars) {
        String text = s == null ? "" : s.toString();
        int i = 0;
        while (i < text.length() && stripped(text.charAt(i), chars)) i++;
        return text.substring(i);
    }

    public static String rstrip(Object s, String chars) {
        String text = s == null ? "" : s.toString();
        int i = text.length();
        while (i > 0 && stripped(text.charAt(i - 1), chars)) i--;
        return text.substring(0, i);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
    }
}
