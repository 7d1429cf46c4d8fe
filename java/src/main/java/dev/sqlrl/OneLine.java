package dev.sqlrl;

import java.util.regex.Pattern;

/** Text made fit for a one-line message: every run of whitespace, any Unicode line or paragraph separator included, becomes one space. */
public final class OneLine {
    /** \s alone misses U+0085, U+2028, U+2029 and the other Unicode spaces, which terminals and logs break lines on. */
    private static final Pattern BREAKS = Pattern.compile("[\\s\\u0085\\u2028\\u2029\\p{Z}\\p{Cc}]+");

    private OneLine() {}

    public static String of(String text) {
        return BREAKS.matcher(text).replaceAll(" ").strip();
    }
}
