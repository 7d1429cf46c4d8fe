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
 */
public record Example(String id, String question, String goldSql, String dbId, Path dbPath, String evidence,
                      String difficulty) {
    public Example {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(goldSql, "goldSql");
        Objects.requireNonNull(dbId, "dbId");
        Objects.requireNonNull(dbPath, "dbPath");
    }
}
