package dev.sqlrl.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident memory: the CPU runs' counterpart of the CUDA allocator's peak. */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** VmHWM from /proc/self/status in bytes, or -1 where there is none (not Linux). */
    public static long peakResidentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
