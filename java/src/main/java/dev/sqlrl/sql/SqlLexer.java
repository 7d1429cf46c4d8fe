package dev.sqlrl.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into tokens that keep every character, so that joining them gives the text back.
 *
 * <p>Hand-written because two things need token boundaries that no library exposes: finding
 * statement ends (a semicolon inside a string, quoted name or comment does not end one), and
 * reproducing the official Spider evaluator, which removes DISTINCT tokens as sqlparse tokenizes
 * them. SQLite's tokenizer is not reachable through JDBC, and JSqlParser rejects SQL that SQLite
 * accepts.
 */
public final class SqlLexer {

    public enum Kind { WHITESPACE, COMMENT, STRING, QUOTED_IDENTIFIER, WORD, NUMBER, SEMICOLON, PUNCTUATION }

    /** Whose string-literal rules to follow: SQLite's ('' only) or sqlparse's (also backslash escapes). */
    public enum Flavor { SQLITE, SQLPARSE }

    /** A token: {@code text} is exactly the characters it covers; {@code terminated} is false for an unclosed quote or comment. */
    public record Token(Kind kind, String text, boolean terminated) {
        public boolean isKeyword(String keyword) {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }

        public boolean isTrivia() {
            return kind == Kind.WHITESPACE || kind == Kind.COMMENT;
        }
    }

    private SqlLexer() {}

    public static List<Token> tokenize(String sql, Flavor flavor) {
        List<Token> tokens = new ArrayList<>();
        int length = sql.length();
        int pos = 0;
        while (pos < length) {
            char c = sql.charAt(pos);
            int end;
            Kind kind;
            boolean terminated = true;
            if (Character.isWhitespace(c)) {
                end = pos + 1;
                while (end < length && Character.isWhitespace(sql.charAt(end))) end++;
                kind = Kind.WHITESPACE;
            } else if (c == '-' && pos + 1 < length && sql.charAt(pos + 1) == '-') {
                end = sql.indexOf('\n', pos);
                end = end < 0 ? length : end;
                kind = Kind.COMMENT;
            } else if (c == '/' && pos + 1 < length && sql.charAt(pos + 1) == '*') {
                int close = sql.indexOf("*/", pos + 2);
                terminated = close >= 0;
                end = terminated ? close + 2 : length;
                kind = Kind.COMMENT;
            } else if (c == '\'') {
                end = closeQuote(sql, pos, '\'', flavor == Flavor.SQLPARSE);
                terminated = end > 0;
                end = terminated ? end : length;
                kind = Kind.STRING;
            } else if (c == '"' || c == '`') {
                end = closeQuote(sql, pos, c, flavor == Flavor.SQLPARSE && c == '"');
                terminated = end > 0;
                end = terminated ? end : length;
                kind = Kind.QUOTED_IDENTIFIER;
            } else if (c == '[') {
                int close = sql.indexOf(']', pos + 1);
                terminated = close >= 0;
                end = terminated ? close + 1 : length;
                kind = Kind.QUOTED_IDENTIFIER;
            } else if (isWordStart(c)) {
                end = pos + 1;
                while (end < length && isWordPart(sql.charAt(end))) end++;
                kind = Kind.WORD;
            } else if (Character.isDigit(c) || (c == '.' && pos + 1 < length && Character.isDigit(sql.charAt(pos + 1)))) {
                end = pos + 1;
                while (end < length && (isWordPart(sql.charAt(end)) || sql.charAt(end) == '.')) end++;
                kind = Kind.NUMBER;
            } else if (c == ';') {
                end = pos + 1;
                kind = Kind.SEMICOLON;
            } else {
                end = pos + 1;
                kind = Kind.PUNCTUATION;
            }
            tokens.add(new Token(kind, sql.substring(pos, end), terminated));
            pos = end;
        }
        return tokens;
    }

    /** Index just past the closing quote, or -1 when the quote never closes. Doubled quotes escape. */
    private static int closeQuote(String sql, int open, char quote, boolean backslashEscapes) {
        int pos = open + 1;
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (backslashEscapes && c == '\\' && pos + 1 < sql.length()) {
                pos += 2;
            } else if (c == quote) {
                if (pos + 1 < sql.length() && sql.charAt(pos + 1) == quote) {
                    pos += 2;
                } else {
                    return pos + 1;
                }
            } else {
                pos++;
            }
        }
        return -1;
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_' || c >= 0x80 && !Character.isWhitespace(c) && !Character.isDigit(c);
    }

    private static boolean isWordPart(char c) {
        return isWordStart(c) || Character.isDigit(c) || c == '$';
    }
}
