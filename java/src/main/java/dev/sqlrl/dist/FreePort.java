package dev.sqlrl.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A TCP port on the loopback interface that nothing listens on now (the kernel's pick for port 0). */
final class FreePort {
    private FreePort() {}

    /**
     * A port that was free a moment ago. Another program may take it before rank 0 binds it (torchrun has the same
     * race); rank 0 then fails at once with "address in use" rather than waiting.
     */
    static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on the loopback interface for the ranks' rendezvous", e);
        }
    }
}
