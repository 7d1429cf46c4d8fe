package dev.sqlrl.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutionMatchTest {

    @Test
    void everySampleGoldMatchesItselfWhenItExecutes() {
        List<SpiderSample.Label> golds = SpiderSample.labels().stream().filter(l -> l.variant().equals("gold")).toList();
        List<MatchRequest> requests = golds.stream().map(l -> new MatchRequest(SpiderSample.database(l.dbId()), l.gold(), l.gold())).toList();
        try (SqlSandbox sandbox = new SqlSandbox(SandboxLimits.defaults());
                ExecutionMatch matcher = new ExecutionMatch(sandbox, MatchOptions.spiderOfficial().withSpiderPreprocessing(false).withThreads(2))) {
            List<MatchOutcome> outcomes = matcher.matchAll(requests);
            List<String> failures = new ArrayList<>();
            int executed = 0;
            for (int i = 0; i < outcomes.size(); i++) {
                if (outcomes.get(i).goldFailed()) continue;
                executed++;
                if (!outcomes.get(i).match()) failures.add(golds.get(i).gold() + ": " + outcomes.get(i).reason());
            }
            System.out.println("gold vs gold: " + (executed - failures.size()) + " of " + executed + " executing golds match themselves");
            assertEquals(List.of(), failures);
            assertEquals(golds.size(), executed, "every sample gold executes");
        }
    }

    @Test
    void cachesServeRepeatedGoldsAndPredictions() {
        Path db = SpiderSample.database("flight_1");
        try (SqlSandbox sandbox = new SqlSandbox(SandboxLimits.defaults());
                ExecutionMatch matcher = new ExecutionMatch(sandbox, MatchOptions.spiderOfficial().withThreads(1))) {
            assertTrue(matcher.match(db, "SELECT count(*) FROM flight", "SELECT count(*) FROM flight").match());
            assertTrue(matcher.match(db, "SELECT  count(*)  FROM flight", "select count(flno) from flight").match());
            assertTrue(matcher.match(db, "SELECT count(*) FROM flight -- again", "SELECT count(*) FROM flight;").match());
            ExecutionMatch.CacheStatistics statistics = matcher.cacheStatistics();
            assertEquals(2, statistics.gold().hits(), "whitespace, comments and the final ';' do not change the key");
            assertEquals(1, statistics.gold().misses());
            assertEquals(1, statistics.predictions().hits());
            assertEquals(2, statistics.predictions().misses());
            matcher.clearCaches();
            assertEquals(0, matcher.cacheStatistics().gold().entries());
        }
    }

    @Test
    void failuresSayWhy() {
        Path db = SpiderSample.database("flight_1");
        try (SqlSandbox sandbox = new SqlSandbox(SandboxLimits.defaults());
                ExecutionMatch matcher = new ExecutionMatch(sandbox, MatchOptions.spiderOfficial().withThreads(1))) {
            MatchOutcome broken = matcher.match(db, "SELECT count(*) FROM flight", "SELECT count(*) FROM flights");
            assertFalse(broken.match());
            assertEquals("prediction failed: UNKNOWN_TABLE: no such table: flights", broken.reason());
            MatchOutcome ordered = matcher.match(db, "SELECT flno FROM flight ORDER BY flno", "SELECT flno FROM flight ORDER BY flno DESC");
            assertTrue(ordered.goldOrdered());
            assertFalse(ordered.match());
            MatchOutcome unordered = matcher.match(db, "SELECT flno FROM flight", "SELECT flno FROM flight ORDER BY flno DESC");
            assertTrue(unordered.match());
        }
    }

    @Test
    void birdSemanticsIgnoreDuplicatesButNotColumnOrder() {
        Path db = SpiderSample.database("flight_1");
        try (SqlSandbox sandbox = new SqlSandbox(SandboxLimits.defaults());
                ExecutionMatch matcher = new ExecutionMatch(sandbox, MatchOptions.bird().withThreads(1))) {
            assertTrue(matcher.match(db, "SELECT DISTINCT origin FROM flight", "SELECT origin FROM flight").match());
            assertFalse(matcher.match(db, "SELECT flno, origin FROM flight", "SELECT origin, flno FROM flight").match());
        }
    }

    @Test
    void parallelBatchGivesTheSequentialOutcomes() {
        List<SpiderSample.Label> labels = SpiderSample.labels().subList(0, 600);
        List<MatchRequest> requests = labels.stream().map(l -> new MatchRequest(SpiderSample.database(l.dbId()), l.gold(), l.predicted())).toList();
        try (SqlSandbox sandbox = new SqlSandbox(SandboxLimits.defaults());
                ExecutionMatch sequential = new ExecutionMatch(sandbox, MatchOptions.spiderOfficial().withThreads(1));
                ExecutionMatch parallel = new ExecutionMatch(sandbox, MatchOptions.spiderOfficial().withThreads(4))) {
            List<Boolean> one = new ArrayList<>();
            for (MatchRequest request : requests) one.add(sequential.match(request.database(), request.gold(), request.predicted()).match());
            assertEquals(one, parallel.matchAll(requests).stream().map(MatchOutcome::match).toList());
        }
    }
}
