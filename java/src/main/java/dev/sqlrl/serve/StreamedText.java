package dev.sqlrl.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One streamed choice: its tokens so far and the text already sent. What is sent is always a prefix of the text
 * the whole answer will have: the decoded text is cut at a stop string, its end is held back while it is the
 * start of one, and so is a trailing half character (U+FFFD while a multi-byte character's tokens are
 * incomplete).
 */
final class StreamedText {
    private final List<String> stops;
    private final List<Integer> tokens = new ArrayList<>();
    private String sent = "";

    StreamedText(List<String> stops) {
        this.stops = stops;
    }

    void add(int token) {
        tokens.add(token);
    }

    /** The text that can be sent now beyond what was sent; empty when nothing new is certain. */
    String advance(Function<int[], String> decode) {
        String text = decode.apply(tokens.stream().mapToInt(Integer::intValue).toArray());
        int cut = ChatCompleter.firstStop(text, stops);
        String safe = cut >= 0 ? text.substring(0, cut) : text.substring(0, text.length() - startOfAStop(text));
        while (!safe.isEmpty() && safe.charAt(safe.length() - 1) == '\uFFFD') safe = safe.substring(0, safe.length() - 1);
        if (safe.length() <= sent.length() || !safe.startsWith(sent)) return "";
        String piece = safe.substring(sent.length());
        sent = safe;
        return piece;
    }

    /** The length of the longest end of `text` that begins a stop string (and may yet become it). */
    private int startOfAStop(String text) {
        int longest = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, text.length()); k > longest; k--) {
                if (text.endsWith(stop.substring(0, k))) {
                    longest = k;
                    break;
                }
            }
        }
        return longest;
    }

    /** What the final text has beyond what was sent (everything, had the sent text not been its prefix). */
    String rest(String finalText) {
        return finalText.startsWith(sent) ? finalText.substring(sent.length()) : "";
    }
}
