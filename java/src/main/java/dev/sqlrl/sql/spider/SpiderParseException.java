package dev.sqlrl.sql.spider;

/** The official Spider parser (process_sql) would reject this query; the message says why. */
public final class SpiderParseException extends Exception {
    public SpiderParseException(String message) {
        super(message);
    }
}
