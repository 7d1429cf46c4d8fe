package dev.sqlrl.sql;

import dev.sqlrl.bindings.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.sqlite.util.OSInfo;

/**
 * Points sqlite-jdbc at one shared copy of its native library in sqlrl's cache folder (keyed by its
 * SHA-256, like libsqlrl) through the system properties it honours, {@code org.sqlite.lib.path} and
 * {@code org.sqlite.lib.name}. Left to itself, sqlite-jdbc extracts a new {@code /tmp/sqlite-*.so}
 * (+ {@code .lck}) per process, which a killed process or sandbox worker leaves behind.
 */
public final class SqliteJdbcLibrary {
    static final String PATH_PROPERTY = "org.sqlite.lib.path";
    static final String NAME_PROPERTY = "org.sqlite.lib.name";

    private static Map<String, String> properties;

    private SqliteJdbcLibrary() {}

    /**
     * Extracts the library once and sets the properties in this JVM (before the driver loads);
     * returns them, to pass on to worker processes. Empty when the jar has no library for this
     * platform (sqlite-jdbc then does what it does by default), or when the user set the path.
     */
    public static synchronized Map<String, String> useCachedCopy() {
        if (properties != null) return properties;
        if (System.getProperty(PATH_PROPERTY) != null) {
            properties = Map.of(PATH_PROPERTY, System.getProperty(PATH_PROPERTY),
                    NAME_PROPERTY, System.getProperty(NAME_PROPERTY, System.mapLibraryName("sqlitejdbc")));
            return properties;
        }
        String name = System.mapLibraryName("sqlitejdbc");
        String resource = "/org/sqlite/native/" + OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + name;
        try (InputStream in = org.sqlite.SQLiteConnection.class.getResourceAsStream(resource)) {
            if (in == null) {
                properties = Map.of();
                return properties;
            }
            Path file = NativeLibrary.extractToCache(in.readAllBytes(), "sqlite-jdbc", name);
            properties = Map.of(PATH_PROPERTY, file.getParent().toString(), NAME_PROPERTY, name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract sqlite-jdbc's native library to " + NativeLibrary.cacheDir(), e);
        }
        properties.forEach(System::setProperty);
        return properties;
    }
}
