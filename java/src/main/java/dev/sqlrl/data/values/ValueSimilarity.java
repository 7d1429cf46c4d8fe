package dev.sqlrl.data.values;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.search.spell.LevenshteinDistance;

/**
 * How well a question mentions a value, from 0 to 1: 1 when the value's words appear in the question as they are
 * (ignoring case, accents and punctuation), else the best Levenshtein similarity between the value and a run of
 * question words about as long as it (BRIDGE/CodeS re-rank BM25's candidates the same way, with a string-match
 * ratio). Values made only of stop words or shorter than 3 characters count only when exact.
 */
final class ValueSimilarity {
    private static final LevenshteinDistance LEVENSHTEIN = new LevenshteinDistance();

    private ValueSimilarity() {}

    static double of(String value, String question) {
        String[] valueWords = words(value);
        if (valueWords.length == 0 || Arrays.stream(valueWords).allMatch(ValueSimilarity::isStopWord)) {
            return 0;
        }
        String[] questionWords = words(question);
        String wanted = String.join(" ", valueWords);
        if ((" " + String.join(" ", questionWords) + " ").contains(" " + wanted + " ")) {
            return 1.0;
        }
        if (wanted.length() < 3) {
            return 0;
        }
        double best = 0;
        for (int size = Math.max(1, valueWords.length - 1); size <= valueWords.length + 1; size++) {
            for (int start = 0; start + size <= questionWords.length; start++) {
                String window = String.join(" ", Arrays.copyOfRange(questionWords, start, start + size));
                // Joined without spaces too: "DiCaprio" against "di caprio".
                best = Math.max(best, Math.max(LEVENSHTEIN.getDistance(wanted, window),
                        LEVENSHTEIN.getDistance(wanted.replace(" ", ""), window.replace(" ", ""))));
            }
        }
        return Math.min(best, 0.999);
    }

    static String[] words(String text) {
        String folded = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
        String spaced = folded.replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
        return spaced.isEmpty() ? new String[0] : spaced.split(" ");
    }

    private static boolean isStopWord(String word) {
        return EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.contains(word);
    }
}
