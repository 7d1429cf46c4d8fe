package dev.sqlrl.sql.spider;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The small schema of test resource spider/concert_tables.json: singer, concert, singer_in_concert, stadium. */
final class ConcertSchema {
    private ConcertSchema() {}

    static SpiderSchema load() {
        try {
            Path file = Path.of(ConcertSchema.class.getResource("/spider/concert_tables.json").toURI());
            return SpiderTablesFile.read(file).get("concert");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
