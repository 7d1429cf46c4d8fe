package dev.sqlrl.cli;

import picocli.CommandLine.IVersionProvider;

/** `sqlrl --version`: the application version; the native library's only if it loads. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        String app = "sqlrl " + (version == null ? "dev" : version);
        try {
            return new String[] {app, "native: " + dev.sqlrl.bindings.SqlrlNative.version()};
        } catch (Throwable e) {
            return new String[] {app, "native: unavailable (" + e.getMessage() + ")"};
        }
    }
}
