package dev.sqlrl.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One text-to-SQL example: a question over one SQLite database and its gold SQL.
 *
 * @param id         stable identifier within the dataset (e.g. {@code train-12} or BIRD's question_id)
 * @param question   the natural-language question
 * @param goldSql    the reference SQL
 * @param dbId       the database's id (key into {@link Dataset#schemas()})
 * @param dbPath     the SQLite file the SQL runs on
 * @param evidence   BIRD-style external knowledge, or null
 * @param difficulty the dataset's own difficulty label (BIRD: simple/moderate/challenging), or null
 * @param location   where the example is written, {@code file:line}, for messages about it (its id when made in code)
 */
public record Example(String id, String question, String goldSql, String dbId, Path dbPath, String evidence,
                      String difficulty, String location) {
    public Example {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(goldSql, "goldSql");
        Objects.requireNonNull(dbId, "dbId");
        Objects.requireNonNull(dbPath, "dbPath");
        if (location == null) location = id;
    }

    /** An example made in code, not read from a file: its id says where it is. */
    public Example(String id, String question, String goldSql, String dbId, Path dbPath, String evidence, String difficulty) {
        this(id, question, goldSql, dbId, dbPath, evidence, difficulty, id);
    }

    /** This example with its evidence dropped. */
    public Example withoutEvidence() {
        return new Example(id, question, goldSql, dbId, dbPath, null, difficulty, location);
    }
}
