package dev.sqlrl.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.data.DatabaseSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlValidatorTest {
    private static final DatabaseSchema SCHEMA = new DatabaseSchema("company", List.of(
            new DatabaseSchema.Table("companies", List.of(new DatabaseSchema.Column("id", "INTEGER"),
                    new DatabaseSchema.Column("name", "TEXT"), new DatabaseSchema.Column("city", "TEXT")), List.of("id")),
            new DatabaseSchema.Table("staff", List.of(new DatabaseSchema.Column("id", "INTEGER"),
                    new DatabaseSchema.Column("name", "TEXT"), new DatabaseSchema.Column("salary", "INTEGER"),
                    new DatabaseSchema.Column("company_id", "INTEGER")), List.of("id"))),
            List.of(new DatabaseSchema.ForeignKey("staff", "company_id", "companies", "id")));

    private static SqlValidation validate(String sql) {
        return SqlValidator.validate(sql, SCHEMA);
    }

    @Test
    void selectsOverTheSchemaPass() {
        for (String sql : List.of("SELECT name FROM staff",
                "SELECT s.name, c.city FROM staff AS s JOIN companies c ON s.company_id = c.id WHERE s.salary > 10;",
                "WITH rich AS (SELECT name, salary AS pay FROM staff) SELECT name FROM rich ORDER BY pay",
                "SELECT count(*) AS n FROM companies GROUP BY city HAVING n > 1",
                "SELECT name FROM staff WHERE company_id IN (SELECT id FROM companies WHERE city = \"Oslo\")",
                "select NAME from STAFF",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n")) {
            SqlValidation v = validate(sql);
            assertTrue(v.valid(), sql + ": " + v.problems());
            assertEquals(List.of(), v.problems());
        }
    }

    @Test
    void unknownTablesAndColumnsAreNamed() {
        assertEquals(List.of("unknown table 'employees'"), validate("SELECT name FROM employees").problems());
        assertEquals(List.of("unknown column 'wage' (not in staff)"), validate("SELECT wage FROM staff").problems());
        assertEquals(List.of("unknown column 'wage' in table 'staff'"),
                validate("SELECT s.wage FROM staff s").problems());
        assertFalse(validate("SELECT x.name FROM staff s").valid());
    }

    @Test
    void onlyOneSelectRuns() {
        SqlValidation delete = validate("DELETE FROM staff");
        assertFalse(delete.valid());
        assertTrue(delete.problems().getFirst().startsWith("DELETE statements are not allowed"), delete.problems().toString());
        assertTrue(validate("UPDATE staff SET salary = 0").problems().getFirst().startsWith("UPDATE statements are not allowed"));
        assertTrue(validate("DROP TABLE staff").problems().getFirst().startsWith("DROP statements are not allowed"));
        assertEquals(List.of("only one statement is allowed, found several separated by ';'"),
                validate("SELECT 1; DELETE FROM staff").problems());
        assertTrue(validate("SELECT name FROM staff; -- trailing comment").valid());
        assertEquals(List.of("WITH 'x' holds no SELECT: only one SELECT (or WITH ... SELECT) runs"),
                validate("WITH x AS (DELETE FROM staff RETURNING *) SELECT * FROM x").problems());
    }

    @Test
    void syntaxErrorsAndEmptyTextAreRefusedWithTheReason() {
        assertTrue(validate("SELECT name FROM staff WHERE (salary > 1").problems().getFirst().startsWith("syntax error"));
        assertTrue(validate("SELEC name FROM staff").problems().getFirst().startsWith("syntax error"));
        assertEquals(List.of("no SQL given"), validate("  ").problems());
    }
}
