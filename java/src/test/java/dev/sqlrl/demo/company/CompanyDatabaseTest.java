package dev.sqlrl.demo.company;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.data.DatabaseSchema;
import dev.sqlrl.data.SqliteSchemaReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompanyDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void sameSeedGivesTheSameTablesAndAnotherSeedOthers() throws Exception {
        CompanyDatabase.create(dir.resolve("a.sqlite"), 7);
        CompanyDatabase.create(dir.resolve("b.sqlite"), 7);
        CompanyDatabase.create(dir.resolve("c.sqlite"), 8);
        var first = TableContents.read(dir.resolve("a.sqlite"));
        assertEquals(first, TableContents.read(dir.resolve("b.sqlite")));
        assertNotEquals(first, TableContents.read(dir.resolve("c.sqlite")));
    }

    @Test
    void schemaDeclaresPrimaryAndForeignKeys() {
        Path db = dir.resolve("company.sqlite");
        CompanyDatabase.create(db, 1);
        DatabaseSchema schema = SqliteSchemaReader.read("company", db);
        assertEquals(TableContents.TABLES, schema.tables().stream().map(DatabaseSchema.Table::name).toList());
        for (DatabaseSchema.Table table : schema.tables()) {
            assertEquals(List.of("id"), table.primaryKey(), table.name());
        }
        assertEquals(Set.of(
                new DatabaseSchema.ForeignKey("staff", "company_id", "companies", "id"),
                new DatabaseSchema.ForeignKey("projects", "company_id", "companies", "id"),
                new DatabaseSchema.ForeignKey("contracts", "project_id", "projects", "id"),
                new DatabaseSchema.ForeignKey("contracts", "staff_id", "staff", "id")), Set.copyOf(schema.foreignKeys()));
    }

    @Test
    void rowsHaveTheDefaultSizesAndUseEveryWord() throws Exception {
        Path db = dir.resolve("company.sqlite");
        CompanyRows rows = CompanyDatabase.create(db, 3);
        CompanyRows.Size size = CompanyRows.Size.DEFAULT;
        assertEquals(size.companies(), TableContents.count(db, "SELECT count(*) FROM companies"));
        assertEquals(size.staff(), TableContents.count(db, "SELECT count(*) FROM staff"));
        assertEquals(size.projects(), TableContents.count(db, "SELECT count(*) FROM projects"));
        assertEquals(size.contracts(), TableContents.count(db, "SELECT count(*) FROM contracts"));

        CompanyWords words = CompanyWords.bundled();
        assertEquals(Set.copyOf(words.cities()), rows.companies().stream().map(CompanyRows.Company::city).collect(Collectors.toSet()));
        assertEquals(Set.copyOf(words.industries()), rows.companies().stream().map(CompanyRows.Company::industry).collect(Collectors.toSet()));
        assertEquals(Set.copyOf(words.roles()), rows.staff().stream().map(CompanyRows.Staff::role).collect(Collectors.toSet()));
        assertEquals(Set.copyOf(words.statuses()), rows.projects().stream().map(CompanyRows.Project::status).collect(Collectors.toSet()));
        assertEquals(size.staff(), rows.staff().stream().map(CompanyRows.Staff::name).distinct().count(), "staff names are unique");
    }

    @Test
    void everyCompanyHasStaffAndProjectsAndContractsStayWithinTheCompany() throws Exception {
        Path db = dir.resolve("company.sqlite");
        CompanyDatabase.create(db, 5);
        assertEquals(0, TableContents.count(db, "SELECT count(*) FROM companies WHERE id NOT IN (SELECT company_id FROM staff"
                + " GROUP BY company_id HAVING count(*) >= 2)"));
        assertEquals(0, TableContents.count(db, "SELECT count(*) FROM companies WHERE id NOT IN (SELECT company_id FROM projects)"));
        assertEquals(0, TableContents.count(db, "SELECT count(*) FROM contracts JOIN staff ON contracts.staff_id = staff.id"
                + " JOIN projects ON contracts.project_id = projects.id WHERE staff.company_id != projects.company_id"));
        assertEquals(0, TableContents.count(db, "SELECT count(*) FROM (SELECT project_id, staff_id FROM contracts"
                + " GROUP BY project_id, staff_id HAVING count(*) > 1)"));
        assertEquals(0, TableContents.count(db, "SELECT count(*) FROM pragma_foreign_key_check"));
    }

    @Test
    void rewritingReplacesTheFileAndLeavesNoTemporaryFile() throws Exception {
        Path db = dir.resolve("company.sqlite");
        CompanyDatabase.create(db, 1);
        CompanyDatabase.create(db, 2);
        CompanyDatabase.create(dir.resolve("expected.sqlite"), 2);
        assertEquals(TableContents.read(dir.resolve("expected.sqlite")), TableContents.read(db));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("company.sqlite", "expected.sqlite"),
                    files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
    }

    @Test
    void sizesBeyondTheWordListsAreRefusedWithTheReason() {
        CompanyWords words = CompanyWords.bundled();
        var tooMany = new CompanyRows.Size(words.companies().size() + 1, 100, 40, 150);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompanyRows.generate(1, tooMany, words));
        assertTrue(e.getMessage().contains("companies"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CompanyRows.Size(15, 20, 40, 150));
    }
}
