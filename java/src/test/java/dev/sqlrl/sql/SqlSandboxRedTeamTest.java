package dev.sqlrl.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.sql.HostileCorpus.HostileQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's attacks (src/test/resources/sql/red_team_queries.yaml) on the isolated sandbox: each
 * query ends in its expected outcome within the deadline plus {@link #SLACK_MILLIS}, leaves the
 * database's bytes, the folder around it, /tmp and the working folder as they were, and no worker
 * process grows past {@link #WORKER_MEMORY_BOUND_BYTES}; this JVM survives all of them, and a
 * worker killed mid-query costs only that query.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SqlSandboxRedTeamTest {

    private static final SandboxLimits LIMITS = HostileCorpus.LIMITS;
    /** The watchdog's slack (500 ms) plus starting a replacement worker on a loaded 2-core machine. */
    private static final long SLACK_MILLIS = 2_000;
    /** JVM heap 256 MiB + SQLite heap 384 MiB + the JVM's own code, metaspace and stacks. */
    private static final long WORKER_MEMORY_BOUND_BYTES = 1L << 30;

    @TempDir
    static Path folder;

    private static Path database;
    private static String originalHash;
    private static Set<String> originalFolder;
    private static Set<String> originalTmp;
    private static Set<String> originalWorkingFolder;
    private static SqlSandbox sandbox;

    @BeforeAll
    static void copyDatabase() throws IOException {
        database = HostileCorpus.writableFlightDatabase(folder);
        sandbox = new SqlSandbox(LIMITS, 2);
        assertTrue(sandbox.execute(database, "SELECT 1").isSuccess());
        originalHash = HostileCorpus.sha256(database);
        originalFolder = HostileCorpus.listing(folder);
        originalTmp = sandboxTraces(Path.of(System.getProperty("java.io.tmpdir")));
        originalWorkingFolder = sandboxTraces(Path.of("").toAbsolutePath());
    }

    @AfterAll
    static void closeSandbox() {
        if (sandbox != null) sandbox.close();
    }

    @Test
    void corpusCoversEveryCategoryOfTheIssue() {
        assertTrue(corpus().size() >= 80, "the red-team corpus has only " + corpus().size() + " queries");
    }

    @TestFactory
    @Order(1)
    Stream<DynamicTest> everyAttackEndsSafely() {
        return corpus().stream().map(query -> DynamicTest.dynamicTest(query.label(), () -> runSafely(query)));
    }

    @Test
    @Order(2)
    void aWorkerCrashingMidQueryCostsOnlyThatQueryAndLeavesNoCrashFiles() throws Exception {
        // instr over 262,000 characters runs for seconds inside one SQLite call
        CompletableFuture<ExecutionResult> slow = CompletableFuture.supplyAsync(() ->
                sandbox.execute(database, "SELECT instr(printf('%.*c', 262000, 'a'), printf('%.*c', 131000, 'a') || 'b')"));
        Thread.sleep(300);
        List<ProcessHandle> workers = ProcessHandle.current().children().filter(SqlSandboxRedTeamTest::isSandboxWorker).toList();
        assertFalse(workers.isEmpty(), "no sandbox worker process found");
        // SIGSEGV: the JVM's crash path, which would write hs_err_pid*.log into the working folder
        for (ProcessHandle worker : workers) {
            new ProcessBuilder("kill", "-SEGV", Long.toString(worker.pid())).start().waitFor();
        }
        ExecutionResult killed = slow.get();
        assertFalse(killed.isSuccess(), killed.summary());
        assertTrue(killed.errorMessage().contains("sandbox worker"), killed.summary());
        ExecutionResult next = sandbox.execute(database, "SELECT count(*) FROM flight");
        assertTrue(next.isSuccess(), next.summary());
        assertEquals(List.of(List.of(10L)), next.rows());
        assertEquals(originalTmp, sandboxTraces(Path.of(System.getProperty("java.io.tmpdir"))), "files appeared in the temp folder");
        assertEquals(originalWorkingFolder, sandboxTraces(Path.of("").toAbsolutePath()), "files appeared in the working folder");
    }

    @Test
    @Order(3)
    void workersLoadSqliteJdbcFromSqlrlsCacheFolder() throws IOException {
        assertTrue(sandbox.execute(database, "SELECT 1").isSuccess());
        List<Long> pids = sandbox.idleWorkerPids();
        assertFalse(pids.isEmpty());
        String maps = Files.readString(Path.of("/proc/" + pids.getFirst() + "/maps"));
        String cached = dev.sqlrl.bindings.NativeLibrary.cacheDir().resolve("sqlite-jdbc").toRealPath().toString();
        assertTrue(maps.lines().anyMatch(line -> line.endsWith("libsqlitejdbc.so") && line.contains(cached)),
                "the worker did not map libsqlitejdbc.so from " + cached);
        Path perfData = Path.of(System.getProperty("java.io.tmpdir"), "hsperfdata_" + System.getProperty("user.name"), pids.getFirst().toString());
        assertFalse(Files.exists(perfData), "the worker JVM wrote " + perfData);
    }

    @Test
    @Order(4)
    void theSameAttacksInProcessLeaveTheRejectionsToTheGuardAndSqlite() {
        // the checks do not depend on isolation: a rejected add-on function is rejected in process too
        try (SqlSandbox inProcess = new SqlSandbox(LIMITS, 1, SqlSandbox.Isolation.IN_PROCESS)) {
            ExecutionResult result = inProcess.execute(database, "SELECT replicate('ab', 2147483649)");
            assertEquals(ErrorCategory.REJECTED, result.errorCategory(), result.summary());
            assertTrue(inProcess.execute(database, "SELECT count(*) FROM flight").isSuccess());
        }
    }

    private static void runSafely(HostileQuery query) throws IOException {
        long start = System.nanoTime();
        ExecutionResult result = sandbox.execute(database, query.sql());
        long millis = (System.nanoTime() - start) / 1_000_000;
        String outcome = result.isSuccess() ? "OK" : result.errorCategory().name();
        assertTrue(query.expected().contains(outcome), "expected one of " + query.expected() + " but got " + result.summary());
        assertTrue(millis <= LIMITS.timeoutMillis() + SLACK_MILLIS, "took " + millis + " ms");
        if (!result.isSuccess()) {
            String message = result.errorMessage();
            assertFalse(message.isBlank(), "empty error message");
            assertTrue(message.codePoints().noneMatch(c -> c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029),
                    "message spans lines: " + message);
            assertTrue(message.length() < 400, "message too long: " + message);
        }
        assertEquals(originalHash, HostileCorpus.sha256(database), "the database's bytes changed");
        assertEquals(originalFolder, HostileCorpus.listing(folder), "files appeared or vanished next to the database");
        assertEquals(originalTmp, sandboxTraces(Path.of(System.getProperty("java.io.tmpdir"))), "files appeared in the temp folder");
        assertEquals(originalWorkingFolder, sandboxTraces(Path.of("").toAbsolutePath()), "files appeared in the working folder");
        for (long pid : sandbox.idleWorkerPids()) {
            long peak = peakResidentBytes(pid);
            assertTrue(peak < WORKER_MEMORY_BOUND_BYTES, "worker " + pid + " peaked at " + peak + " bytes");
        }
    }

    private static List<HostileQuery> corpus() {
        return HostileCorpus.load("/sql/red_team_queries.yaml", folder);
    }

    /**
     * What a crashed JVM or SQLite leaves: hs_err and replay logs, core files, SQLite temp files.
     * (Other processes on the machine extract sqlite-jdbc copies into /tmp; that the workers do not
     * is checked by workersLoadSqliteJdbcFromSqlrlsCacheFolder.)
     */
    private static Set<String> sandboxTraces(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith("hs_err_pid") || name.startsWith("replay_pid") || name.startsWith("core")
                            || name.startsWith("etilqs_"))
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    private static boolean isSandboxWorker(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc/" + process.pid() + "/cmdline")).contains(SandboxWorker.class.getName());
        } catch (IOException gone) {
            return false;
        }
    }

    /** VmHWM: the most memory the process ever had resident; 0 when it is gone. */
    private static long peakResidentBytes(long pid) throws IOException {
        Path status = Path.of("/proc/" + pid + "/status");
        if (!Files.exists(status)) return 0;
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("VmHWM:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024).findFirst().orElse(0);
    }
}
