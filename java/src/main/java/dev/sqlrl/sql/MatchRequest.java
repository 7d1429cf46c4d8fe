package dev.sqlrl.sql;

import java.nio.file.Path;

/** One (database, gold SQL, predicted SQL) pair to score. */
public record MatchRequest(Path database, String gold, String predicted) {}
