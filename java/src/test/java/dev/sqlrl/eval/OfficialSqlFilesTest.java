package dev.sqlrl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfficialSqlFilesTest {
    @TempDir
    Path dir;

    @Test
    void multiLineAndEmptyPredictionsStayOneLineEachSoTheFilesStayAligned() throws Exception {
        PredictionRecord multiLine = new PredictionRecord(1, "db", "SELECT a\nFROM t", List.of("SELECT\n  a\tFROM t\n"), false, null);
        PredictionRecord empty = new PredictionRecord(2, "db", "SELECT b FROM t", List.of(""), false, null);
        OfficialSqlFiles.write(dir, List.of(new PairResult(multiLine, true, true, null, null, null, 0, 1),
                new PairResult(empty, false, false, null, "no SQL", null, 0, 1)));
        assertEquals("SELECT a FROM t\tdb\nSELECT b FROM t\tdb\n", Files.readString(dir.resolve(OfficialSqlFiles.GOLD)));
        assertEquals("SELECT a FROM t\n" + OfficialSqlFiles.NO_SQL + "\n", Files.readString(dir.resolve(OfficialSqlFiles.PRED)));
        List<PredictionRecord> back = OfficialSqlFiles.read(dir.resolve(OfficialSqlFiles.GOLD), dir.resolve(OfficialSqlFiles.PRED));
        assertEquals(List.of("SELECT a FROM t", OfficialSqlFiles.NO_SQL), back.stream().map(r -> r.predictions().getFirst()).toList());
        assertEquals("SELECT b FROM t", back.get(1).source().get("gold").asText());
        assertEquals(2, back.get(1).line());
    }
}
