package dev.sqlrl.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The generated bindings cover the header exactly, and the library defines every function. */
class HeaderBindingsTest {
    @Test
    void everyDeclaredFunctionHasABinding() throws Exception {
        // An independent, looser scan than the generator's: a declaration it failed to parse shows up here.
        String header = Files.readString(Path.of(System.getProperty("sqlrl.header")))
                .replaceAll("(?s)/\\*.*?\\*/", " ")
                .replaceAll("(?m)^#.*$", " ");
        Matcher m = Pattern.compile("SQLRL_API[^;(]*?\\b(sqlrl_\\w+)\\s*\\(").matcher(header);
        List<String> declared = new ArrayList<>();
        while (m.find()) declared.add(m.group(1));
        int apiMentions = header.split("\\bSQLRL_API\\b", -1).length - 1;
        assertEquals(apiMentions, declared.size(), "an SQLRL_API declaration was not recognized");
        assertEquals(declared, SqlrlNative.FUNCTIONS);
    }

    @Test
    void libraryDefinesEveryFunctionAndAgreesOnAbiVersion() {
        assumeFalse(Boolean.getBoolean("sqlrl.native.skip"), "native build skipped");
        SqlrlNative.resolveAll();
        assertEquals(SqlrlNative.ABI_VERSION, SqlrlNative.abiVersion());
    }

    /**
     * The generated offsets of the parameter structs agree with the C compiler's: the native init writes the documented
     * defaults into poisoned memory, and every Java accessor reads its own field's value back.
     */
    @Test
    void parameterStructOffsetsMatchTheNativeLayout() {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment params = SqlrlNative.GenerateParams.allocate(arena);
            params.fill((byte) 0x5A);
            SqlrlNative.generateParamsInit(params);
            assertEquals(64, SqlrlNative.GenerateParams.SIZE);
            assertEquals(1, SqlrlNative.GenerateParams.numSamples(params));
            assertEquals(256, SqlrlNative.GenerateParams.maxNewTokens(params));
            assertEquals(0, SqlrlNative.GenerateParams.greedy(params));
            assertEquals(0, SqlrlNative.GenerateParams.topK(params));
            assertEquals(1.0, SqlrlNative.GenerateParams.temperature(params));
            assertEquals(1.0, SqlrlNative.GenerateParams.topP(params));
            assertEquals(0L, SqlrlNative.GenerateParams.seed(params));
            assertEquals(java.lang.foreign.MemorySegment.NULL, SqlrlNative.GenerateParams.stopIds(params));
            assertEquals(0, SqlrlNative.GenerateParams.nStopIds(params));
            assertEquals(1, SqlrlNative.GenerateParams.useAdapters(params));
            assertEquals(java.lang.foreign.MemorySegment.NULL, SqlrlNative.GenerateParams.promptSeeds(params));

            java.lang.foreign.MemorySegment dist = SqlrlNative.DistParams.allocate(arena);
            dist.fill((byte) 0x5A);
            SqlrlNative.distParamsInit(dist);
            assertEquals(48, SqlrlNative.DistParams.SIZE);
            assertEquals(0, SqlrlNative.DistParams.rank(dist));
            assertEquals(1, SqlrlNative.DistParams.worldSize(dist));
            assertEquals("127.0.0.1", SqlrlNative.DistParams.masterAddr(dist).reinterpret(16).getString(0));
            assertEquals(29500, SqlrlNative.DistParams.masterPort(dist));
            assertEquals(1, SqlrlNative.DistParams.hostStore(dist));
            assertEquals(SqlrlNative.DIST_GLOO, SqlrlNative.DistParams.backend(dist));
            assertEquals(600000L, SqlrlNative.DistParams.timeoutMs(dist));
            assertEquals(26214400L, SqlrlNative.DistParams.bucketBytes(dist));

            java.lang.foreign.MemorySegment model = SqlrlNative.ModelParams.allocate(arena);
            model.fill((byte) 0x5A);
            SqlrlNative.modelParamsInit(model);
            assertEquals(64, SqlrlNative.ModelParams.SIZE);
            assertEquals(SqlrlNative.ARCH_QWEN2, SqlrlNative.ModelParams.arch(model));
            assertEquals(0, SqlrlNative.ModelParams.headDim(model));
            assertEquals(10000.0, SqlrlNative.ModelParams.ropeTheta(model));
            assertEquals(1e-6, SqlrlNative.ModelParams.rmsNormEps(model));
            assertEquals(0, SqlrlNative.ModelParams.tieWordEmbeddings(model));
            assertEquals(SqlrlNative.WEIGHTS_FP32, SqlrlNative.ModelParams.weightMode(model));
            assertEquals(SqlrlNative.DEVICE_CPU, SqlrlNative.ModelParams.device(model));
        }
    }
}
