package dev.sqlrl.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxWireTest {

    private static DataInputStream written(IoWrite write) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write.to(new DataOutputStream(bytes));
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    private interface IoWrite {
        void to(DataOutputStream out) throws IOException;
    }

    @Test
    void resultsArriveUnchangedWhateverTheirValues() throws IOException {
        ExecutionResult sent = ExecutionResult.success(List.of("a", "\uD800 lone surrogate", ""),
                List.of(Arrays.asList(1L, Double.NaN, null), Arrays.asList(Long.MIN_VALUE, -0.0, "Zoë\u2028"),
                        Arrays.asList(null, new SqlBlob(new byte[] {0, (byte) 0xFF}), "\uDBFF")),
                1234, 5678);
        SandboxWire.Reply reply = SandboxWire.readReply(written(out -> SandboxWire.writeResult(out, sent, false)));
        assertEquals(sent, reply.result());
        assertTrue(!reply.retire());
    }

    @Test
    void failuresKeepCategoryAndMessage() throws IOException {
        ExecutionResult sent = ExecutionResult.failure(ErrorCategory.TOO_LARGE, "the result is larger than 8 bytes", 42);
        SandboxWire.Reply reply = SandboxWire.readReply(written(out -> SandboxWire.writeResult(out, sent, true)));
        assertEquals(sent, reply.result());
        assertTrue(reply.retire());
    }

    @Test
    void userErrorsComeBackAsUserInputException() {
        UserInputException e = assertThrows(UserInputException.class,
                () -> SandboxWire.readReply(written(out -> SandboxWire.writeUserError(out, "cannot open database x"))));
        assertEquals("cannot open database x", e.getMessage());
    }

    @Test
    void requestsRoundTripAndEndAtEof() throws IOException {
        SandboxWire.Request request = new SandboxWire.Request(Path.of("/tmp/a b/ü.sqlite"), "SELECT '\u0000'");
        DataInputStream in = written(out -> SandboxWire.writeRequest(out, request));
        assertEquals(request, SandboxWire.readRequest(in));
        assertEquals(null, SandboxWire.readRequest(in));
    }
}
