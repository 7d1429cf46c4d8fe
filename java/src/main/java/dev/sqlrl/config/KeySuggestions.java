package dev.sqlrl.config;

import java.util.Collection;
import java.util.Optional;

/**
 * "did you mean" for misspelled keys. Hand-written because the one function needed (edit distance
 * over a handful of short keys) does not justify a new dependency such as commons-text.
 */
final class KeySuggestions {
    private KeySuggestions() {}

    /** The known key nearest to {@code typed}, if it is within a typo's distance. */
    static Optional<String> closest(String typed, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(typed, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // Two edits cover a swapped pair of letters (modle) or a dropped underscore and case (numGenerations).
        int tolerated = typed.length() <= 3 ? 1 : Math.min(3, Math.max(2, typed.length() / 3));
        return bestDistance <= tolerated ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance with one rolling row. */
    static int distance(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) row[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                int substitution = diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                row[j] = Math.min(substitution, Math.min(above, row[j - 1]) + 1);
                diagonal = above;
            }
        }
        return row[b.length()];
    }
}
