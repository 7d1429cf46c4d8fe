package dev.sqlrl.serve;

import dev.sqlrl.UserInputException;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * Requires "Authorization: Bearer KEY" on every API route. /health stays open (for load balancers), and so do the
 * page's static files, which hold no data: the page asks for the key and sends it with its API calls.
 */
public final class ApiKeyFilter {
    private final byte[] key;

    public ApiKeyFilter(String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    /** The key in a file (its first line, trimmed); an empty or missing file is the user's mistake. */
    public static String readKeyFile(Path file) {
        try {
            String key = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (key.length() < 16) throw new UserInputException(file + ": the API key must be at least 16 characters");
            return key;
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read the API key file: " + e.getMessage(), e);
        }
    }

    static boolean needsKey(String path) {
        return path.startsWith("/v1/") || path.equals("/metrics");
    }

    public void check(Context ctx) {
        if (!needsKey(ctx.path())) return;
        String header = ctx.header("Authorization");
        String given = header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()).strip() : "";
        // constant-time comparison: response times do not tell how much of a guess was right
        if (!MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "unauthorized", "this server needs 'Authorization: Bearer <key>'");
        }
    }
}
