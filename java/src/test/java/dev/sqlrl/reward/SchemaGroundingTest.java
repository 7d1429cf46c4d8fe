package dev.sqlrl.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sqlrl.data.DatabaseSchema;
import dev.sqlrl.sql.SqlParsing;
import dev.sqlrl.data.TablesJsonReader;
import dev.sqlrl.data.TestResources;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Grounding on flight_1 of the Spider sample: aircraft(aid, name, distance), employee(eid, name, salary), certificate(eid, aid). */
class SchemaGroundingTest {
    private static DatabaseSchema flights;

    @BeforeAll
    static void load() {
        flights = TablesJsonReader.read(TestResources.spiderSample().resolve("tables.json")).get("flight_1");
    }

    private static double grounding(String sql) {
        return SchemaGrounding.score(SqlParsing.parse(sql).orElseThrow(), flights);
    }

    @Test
    void everyGoldQueryOfTheSpiderSampleIsFullyGrounded() {
        dev.sqlrl.data.Dataset dataset = dev.sqlrl.data.DatasetLoader.load(TestResources.spiderSample(), "train");
        for (dev.sqlrl.data.Example example : dataset.examples()) {
            double score = SchemaGrounding.score(SqlParsing.parse(example.goldSql()).orElseThrow(), dataset.schemaOf(example));
            assertEquals(1.0, score, example.dbId() + ": " + example.goldSql());
        }
    }

    @Test
    void aliasesAndQualifiedColumnsResolve() {
        assertEquals(1.0, grounding("SELECT T2.name FROM Certificate AS T1 JOIN Aircraft AS T2 ON T2.aid = T1.aid"
                + " WHERE T1.eid = 5 ORDER BY T2.distance"));
    }

    @Test
    void spiderDoubleQuotedStringsAreNotColumns() {
        assertEquals(1.0, grounding("SELECT count(*) FROM aircraft WHERE name = \"Boeing 747-400\""));
    }

    @Test
    void selectAliasesAndCtesAreNotSchemaNames() {
        assertEquals(1.0, grounding("WITH rich AS (SELECT eid, salary FROM employee WHERE salary > 100000)"
                + " SELECT count(*) AS n FROM rich ORDER BY n"));
    }

    @Test
    void missingNamesCountAgainst() {
        // employee ok, employee.name ok, employee.age missing, pilots missing.
        assertEquals(0.5, grounding("SELECT name, age FROM employee JOIN pilots ON 1 = 1"), 1e-9);
        assertEquals(0.0, grounding("SELECT 1"), "nothing referenced: not grounded");
        assertEquals(2.0 / 3, grounding("SELECT x.name FROM aircraft AS a WHERE a.distance > 1"), 1e-9,
                "unknown qualifier x");
    }
}
