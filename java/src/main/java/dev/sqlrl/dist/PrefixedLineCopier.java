package dev.sqlrl.dist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies a child's output to one of the launcher's streams line by line, each line prefixed (e.g. {@code [rank 1] }).
 * A line is written with one println, so lines of several ranks never mix within a line. Lines end at '\n' only: a
 * '\r' (a progress bar redrawing itself) stays inside the line rather than making a prefixed line of each redraw.
 */
final class PrefixedLineCopier implements Runnable {
    private final InputStream from;
    private final String prefix;
    private final PrintStream to;

    PrefixedLineCopier(InputStream from, String prefix, PrintStream to) {
        this.from = from;
        this.prefix = prefix;
        this.to = to;
    }

    @Override
    public void run() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (InputStream in = from) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        emit(line);
                    } else {
                        line.write(buffer[i]);
                    }
                }
            }
            if (line.size() > 0) emit(line); // a last line without its newline (a child killed mid-line)
        } catch (IOException e) {
            // said on the stream itself, where the missing lines would have been, instead of a trace from this thread
            if (line.size() > 0) emit(line);
            to.println(prefix + "(sqlrl: the rest of this output was lost: " + e.getMessage() + ")");
        }
    }

    private void emit(ByteArrayOutputStream line) {
        String text = line.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) text = text.substring(0, text.length() - 1); // CRLF
        to.println(prefix + text);
        line.reset();
    }
}
