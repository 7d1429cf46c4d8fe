package dev.sqlrl.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Finds and loads libsqlrl: SQLRL_NATIVE_LIB (a path to another build) wins; otherwise the copy
 * bundled in the jar is extracted to a cache folder keyed by its SHA-256, so that concurrent
 * processes and different builds never overwrite a library another process has mapped.
 */
public final class NativeLibrary {
    public static final String ENV_LIBRARY = "SQLRL_NATIVE_LIB";
    public static final String ENV_CACHE = "SQLRL_CACHE_DIR";
    static final String RESOURCE = "/native/linux-x86_64/libsqlrl.so";

    private static volatile SymbolLookup lookup;
    private static volatile Path loadedFrom;

    private NativeLibrary() {}

    public static SymbolLookup lookup() {
        SymbolLookup l = lookup;
        if (l == null) {
            synchronized (NativeLibrary.class) {
                if (lookup == null) {
                    Path path = locate();
                    lookup = SymbolLookup.libraryLookup(path, Arena.global());
                    loadedFrom = path;
                }
                l = lookup;
            }
        }
        return l;
    }

    /** The file the library was loaded from, or null before the first call. */
    public static Path loadedFrom() {
        return loadedFrom;
    }

    static Path locate() {
        String override = System.getenv(ENV_LIBRARY);
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException(ENV_LIBRARY + "=" + override + " does not name a file");
            }
            return p.toAbsolutePath();
        }
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("libsqlrl is not bundled in this jar (built with -Dsqlrl.native.skip?); "
                        + "rebuild with `mvn -q package -DskipTests` or set " + ENV_LIBRARY);
            }
            byte[] bytes = in.readAllBytes();
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
            Path dir = cacheDir().resolve("native").resolve(hash);
            Path target = dir.resolve("libsqlrl.so");
            if (!Files.isRegularFile(target) || Files.size(target) != bytes.length) {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "libsqlrl", ".tmp");
                Files.write(tmp, bytes);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract libsqlrl to " + cacheDir(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** sqlrl's cache folder: SQLRL_CACHE_DIR, else $XDG_CACHE_HOME/sqlrl, else ~/.cache/sqlrl. */
    public static Path cacheDir() {
        String env = System.getenv(ENV_CACHE);
        if (env != null && !env.isBlank()) return Path.of(env);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sqlrl");
    }
}
