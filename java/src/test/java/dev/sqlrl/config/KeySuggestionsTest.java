package dev.sqlrl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeySuggestionsTest {
    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertEquals(0, KeySuggestions.distance("beta", "beta"));
        assertEquals(1, KeySuggestions.distance("betta", "beta"));
        assertEquals(1, KeySuggestions.distance("bta", "beta"));
        assertEquals(3, KeySuggestions.distance("lr", "eps"));
        assertEquals(2, KeySuggestions.distance("modle", "model"));
        assertEquals(3, KeySuggestions.distance("", "eps"));
    }

    @Test
    void suggestsOnlyNearKeys() {
        List<String> keys = List.of("beta", "eps_low", "eps_high", "top_k", "top_p");
        assertEquals(Optional.of("eps_high"), KeySuggestions.closest("eps_hgih", keys));
        assertEquals(Optional.of("beta"), KeySuggestions.closest("betta", keys));
        assertEquals(Optional.empty(), KeySuggestions.closest("learning_rate", keys));
        assertEquals(Optional.empty(), KeySuggestions.closest("lr", keys));
    }
}
