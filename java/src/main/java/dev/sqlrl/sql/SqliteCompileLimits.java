package dev.sqlrl.sql;

/**
 * SQLite limits (sqlite3_limit) set on every sandbox connection besides those {@link SandboxLimits}
 * makes configurable. Each is far above what Spider's and BIRD's queries need (they nest a few
 * levels, compile to at most a few thousand opcodes) and far below SQLite's defaults, which let a
 * query overflow the native stack or compile for minutes.
 */
final class SqliteCompileLimits {
    /** SQLite's default is 1000, deep enough to overflow a thread's native stack in some paths. */
    static final int EXPRESSION_DEPTH = 100;
    /** SELECTs joined by UNION / INTERSECT / EXCEPT (default 500). */
    static final int COMPOUND_SELECTS = 50;
    /** Opcodes of one compiled program (default 250,000,000): stops exponential CTE expansion at compile time. */
    static final int PROGRAM_OPCODES = 200_000;
    /** Bytes of a LIKE or GLOB pattern (default 50,000); matching costs up to pattern x text. */
    static final int LIKE_PATTERN_BYTES = 1_000;
    /** Arguments of one function call (default 127). */
    static final int FUNCTION_ARGUMENTS = 64;
    /** Columns of a table, a result or an index (default 2000): bounds the width of a row being sorted. */
    static final int COLUMNS = 1_000;

    private SqliteCompileLimits() {}
}
