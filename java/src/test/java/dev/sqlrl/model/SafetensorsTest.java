package dev.sqlrl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.TestPaths;
import dev.sqlrl.UserInputException;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import dev.sqlrl.model.safetensors.SafetensorsWriter;
import dev.sqlrl.model.safetensors.TensorDtype;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void writeThenReadIsExactForEveryFloatEncoding() throws Exception {
        float[] values = {0f, -1.5f, 3.25f, 0.125f, 1024f, -0f}; // exact in F32, BF16 and F16
        Path file = dir.resolve("t.safetensors");
        new SafetensorsWriter().metadata("format", "pt")
                .addFloats("a", TensorDtype.F32, new long[] {2, 3}, values)
                .addFloats("b", TensorDtype.BF16, new long[] {6}, values)
                .addFloats("c", TensorDtype.F16, new long[] {3, 2}, values)
                .write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(values, f.floats("a"));
            assertArrayEquals(values, f.floats("b"));
            assertArrayEquals(values, f.floats("c"));
            assertArrayEquals(new long[] {3, 2}, f.info("c").shape());
            assertEquals("pt", f.metadata().get("format"));
        }
    }

    @Test
    void bf16RoundsToNearest() throws Exception {
        float[] values = {1e-3f, 3.14159f, -123.456f};
        Path file = dir.resolve("r.safetensors");
        new SafetensorsWriter().addFloats("b", TensorDtype.BF16, new long[] {3}, values).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            float[] b = f.floats("b");
            for (int i = 0; i < values.length; i++) assertEquals(values[i], b[i], Math.abs(values[i]) / 256);
        }
    }

    @Test
    void readsTheReferenceModel() {
        try (SafetensorsFile f = SafetensorsFile.open(TestPaths.reference("tiny-qwen2").resolve("model.safetensors"))) {
            assertEquals(26, f.tensors().size());
            assertArrayEquals(new long[] {512, 64}, f.info("model.embed_tokens.weight").shape());
            assertEquals(512 * 64, f.floats("model.embed_tokens.weight").length);
        }
    }

    @Test
    void corruptFilesFailWithTheFileAndTheReason() throws Exception {
        assertCorrupt(new byte[] {1, 2, 3}, "shorter than the 8-byte header length");
        assertCorrupt(withHeader("{not json", 0), "header is not valid JSON");
        assertCorrupt(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "lie outside");
        assertCorrupt(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12");
        assertCorrupt(withHeader("{\"w\":{\"dtype\":\"Q9\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "unknown dtype 'Q9'");
        byte[] hugeHeader = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array();
        assertCorrupt(hugeHeader, "does not fit");
        UserInputException missing = assertThrows(UserInputException.class,
                () -> SafetensorsFile.open(dir.resolve("absent.safetensors")));
        assertTrue(missing.getMessage().contains("missing file"), missing.getMessage());
    }

    @Test
    void missingTensorNamesTheTensorAndFile() throws Exception {
        Path file = dir.resolve("one.safetensors");
        new SafetensorsWriter().addFloats("x", TensorDtype.F32, new long[] {1}, new float[] {1}).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            UserInputException e = assertThrows(UserInputException.class, () -> f.info("y"));
            assertTrue(e.getMessage().contains("'y'") && e.getMessage().contains(file.toString()), e.getMessage());
        }
    }

    private byte[] withHeader(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    }

    private void assertCorrupt(byte[] bytes, String expected) throws Exception {
        Path file = Files.write(dir.resolve("bad" + bytes.length + ".safetensors"), bytes);
        UserInputException e = assertThrows(UserInputException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
