package dev.sqlrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class TestPathsTest {

    @Test
    void aMissingFixtureSkipsByDefaultAndFailsWhenRequired() {
        String before = System.getProperty("sqlrl.require.shared");
        try {
            System.setProperty("sqlrl.require.shared", "false");
            assertThrows(TestAbortedException.class, () -> TestPaths.requireFixture(false, "no fixture"));
            System.setProperty("sqlrl.require.shared", "true");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestPaths.requireFixture(false, "no fixture"));
            assertEquals("no fixture (and -Dsqlrl.require.shared=true)", e.getMessage());
            TestPaths.requireFixture(true, "present: nothing happens");
        } finally {
            if (before == null) {
                System.clearProperty("sqlrl.require.shared");
            } else {
                System.setProperty("sqlrl.require.shared", before);
            }
        }
    }

    /** The pom derives ../shared from maven.multiModuleProjectDirectory: it must be the root even from java/ (.mvn/). */
    @Test
    void theRepositoryDirectoryIsTheRootWhereverMavenStarted() throws IOException {
        Path repo = Path.of(System.getProperty("sqlrl.repo.dir"));
        assertTrue(Files.isDirectory(repo.resolve(".mvn")), repo + " has no .mvn/ folder");
        assertTrue(Files.readString(repo.resolve("pom.xml")).contains("<module>java</module>"), repo + " is not the parent project");
        assertEquals(repo.resolve("../shared").normalize(), Path.of(System.getProperty("sqlrl.shared.dir")).normalize());
    }
}
