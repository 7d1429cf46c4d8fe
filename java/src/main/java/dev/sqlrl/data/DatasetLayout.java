package dev.sqlrl.data;

/** The on-disk dataset layouts sqlrl reads. */
public enum DatasetLayout {
    /** {@code <split>.json} (or {@code train_spider.json}), {@code tables.json}, {@code database/<db>/<db>.sqlite}. */
    SPIDER,
    /** {@code <split>.json} with evidence and difficulty, {@code <split>_tables.json}, {@code <split>_databases/<db>/<db>.sqlite}. */
    BIRD,
    /** {@code <split>.jsonl}: one {question, sql, db_id or db_path, evidence?} object a line (a team's own data). */
    JSONL
}
