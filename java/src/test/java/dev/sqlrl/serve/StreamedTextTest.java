package dev.sqlrl.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What a streamed choice may send at each token: only text the whole answer is sure to begin with. */
class StreamedTextTest {
    /** Token i decodes to PIECES[i]; "\uFFFD" stands for half of a character whose other half comes next. */
    private static final List<String> PIECES = List.of("SELECT", " name", " FROM", " t", ";", "\n", "EN", "D", "\uFFFD", "é");

    private static Function<int[], String> decoder() {
        return ids -> {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < ids.length; i++) {
                boolean halfThenWhole = PIECES.get(ids[i]).equals("\uFFFD") && i + 1 < ids.length;
                if (!halfThenWhole) text.append(PIECES.get(ids[i]));
            }
            return text.toString();
        };
    }

    @Test
    void withoutStopStringsEachTokenSendsItsTextAtOnce() {
        StreamedText text = new StreamedText(List.of());
        StringBuilder sent = new StringBuilder();
        for (int token : new int[] {0, 1, 2, 3}) {
            text.add(token);
            String piece = text.advance(decoder());
            assertEquals(PIECES.get(token), piece);
            sent.append(piece);
        }
        assertEquals("", text.rest("SELECT name FROM t"));
    }

    @Test
    void textThatCouldStartAStopStringWaitsAndAStopEndsTheSending() {
        StreamedText text = new StreamedText(List.of(";\nEND"));
        StringBuilder sent = new StringBuilder();
        for (int token : new int[] {0, 1, 2, 3, 4, 5, 6, 7}) {
            text.add(token);
            sent.append(text.advance(decoder()));
        }
        // ";\nEND" is a stop string: nothing of it is ever sent, and what was sent is the final answer's text.
        assertEquals("SELECT name FROM t", sent.toString());
        assertEquals("", text.rest("SELECT name FROM t"));
    }

    @Test
    void halfACharacterIsHeldBackUntilItsOtherHalfComes() {
        StreamedText text = new StreamedText(List.of());
        text.add(0);
        assertEquals("SELECT", text.advance(decoder()));
        text.add(8);
        assertEquals("", text.advance(decoder()));
        text.add(9);
        assertEquals("é", text.advance(decoder()));
    }

    @Test
    void onlyAnEndThatBeginsAStopStringWaitsAndTheRestComesWithTheAnswer() {
        StreamedText text = new StreamedText(List.of(" FROM users"));
        text.add(0);
        text.add(1);
        assertEquals("SELECT name", text.advance(decoder())); // no end of it begins " FROM users"
        text.add(2);
        assertEquals("", text.advance(decoder())); // " FROM" may become the stop string
        text.add(3);
        assertEquals(" FROM t", text.advance(decoder())); // it did not
        assertEquals(";", text.rest("SELECT name FROM t;"));
    }
}
