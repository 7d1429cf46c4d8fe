package dev.sqlrl.sql.spider;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What process_sql decides from its token list rather than from its grammar, which a SQL AST cannot
 * show: (1) tokenizer failures: process_sql turns every ' into ", fails on an odd number of quotes,
 * and splits words with nltk's word tokenizer, which does not split on '=', '-', '+', '/' or a comma
 * before a digit, so {@code a=b}, {@code a-b} or {@code 1,2} stay one token that no rule accepts;
 * (2) its alias table, built by scanning every {@code X as Y} in the whole query (scan_alias), so a
 * later alias of the same name wins everywhere. nltk has no Java port and only these splitting rules
 * matter here, so they are written out (NLTKWordTokenizer's regexes, reduced to what SQL uses).
 */
final class ProcessSqlTokens {
    private static final Pattern SPLIT_ALWAYS = Pattern.compile("([\\]\\[(){}<>?!;@#$%&*])");
    private static final Pattern SPLIT_COMMA_COLON = Pattern.compile("([:,])([^\\d])");
    private static final Pattern SPLIT_COMMA_COLON_AT_END = Pattern.compile("([:,])$");
    private static final Pattern SPLIT_FINAL_PERIOD = Pattern.compile("([^.])(\\.)([\\])}>\"']*)\\s*$");
    private static final Pattern SPLIT_DOUBLE_DASH = Pattern.compile("--");

    private ProcessSqlTokens() {}

    /**
     * process_sql's get_tables_with_alias: every {@code X as Y} maps Y to X (the last one wins), and
     * every schema table maps to itself.
     *
     * @throws SpiderParseException where process_sql fails: a query ending in "as", or an alias named like a table
     */
    static Map<String, String> tablesWithAlias(String sql, SpiderSchema schema) throws SpiderParseException {
        List<String> tokens = tokenize(sql);
        Map<String, String> aliases = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).equals("as")) {
                if (i == 0 || i + 1 >= tokens.size()) {
                    throw new SpiderParseException("'as' without a name on both sides");
                }
                aliases.put(tokens.get(i + 1), tokens.get(i - 1));
            }
        }
        for (String table : schema.tables()) {
            if (aliases.containsKey(table)) {
                throw new SpiderParseException("alias '" + table + "' has the name of a table");
            }
            aliases.put(table, table);
        }
        return aliases;
    }

    /** process_sql's token list (string literals as one token each), or the reason its tokenizer fails. */
    static List<String> tokenize(String sql) throws SpiderParseException {
        String text = sql.replace('\'', '"');
        List<Integer> quotes = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '"') {
                quotes.add(i);
            }
        }
        if (quotes.size() % 2 != 0) {
            throw new SpiderParseException("unbalanced quotes (process_sql reads ' and \" alike)");
        }
        StringBuilder withoutStrings = new StringBuilder();
        int from = 0;
        for (int i = 0; i < quotes.size(); i += 2) {
            withoutStrings.append(text, from, quotes.get(i)).append("__val__");
            from = quotes.get(i + 1) + 1;
        }
        withoutStrings.append(text.substring(from));
        List<String> tokens = words(withoutStrings.toString());
        for (String token : tokens) {
            if (token.contains("=") && !List.of("=", "!=", ">=", "<=").contains(token)) {
                throw new SpiderParseException("token '" + token + "': process_sql reads '=' only with spaces around it");
            }
            if (token.length() > 1 && token.contains(",")) {
                throw new SpiderParseException("token '" + token + "': a comma before a digit is not split off");
            }
            if (token.length() > 1 && (token.contains("-") || token.contains("+") || token.contains("/"))
                    && !isNumber(token)) {
                throw new SpiderParseException("token '" + token + "': arithmetic needs spaces around the operator");
            }
        }
        return tokens;
    }

    private static List<String> words(String text) {
        String padded = SPLIT_ALWAYS.matcher(text).replaceAll(" $1 ");
        padded = SPLIT_COMMA_COLON.matcher(padded).replaceAll(" $1 $2");
        padded = SPLIT_COMMA_COLON_AT_END.matcher(padded).replaceAll(" $1 ");
        padded = SPLIT_DOUBLE_DASH.matcher(padded).replaceAll(" -- ");
        padded = SPLIT_FINAL_PERIOD.matcher(padded).replaceAll("$1 $2$3 ");
        List<String> tokens = new ArrayList<>();
        for (String token : padded.trim().split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            String lower = token.toLowerCase(Locale.ROOT);
            // process_sql glues "!", ">", "<" back onto a following "=".
            if (lower.equals("=") && !tokens.isEmpty() && List.of("!", ">", "<").contains(tokens.getLast())) {
                tokens.set(tokens.size() - 1, tokens.getLast() + "=");
            } else {
                tokens.add(lower);
            }
        }
        return tokens;
    }

    private static boolean isNumber(String token) {
        try {
            Double.parseDouble(token);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
