package dev.sqlrl.data.values;

import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;

/**
 * How values and questions are cut into terms: whole words (BM25 finds values that share words with the question)
 * and character 3-grams (finds misspelled and partial names: "Leonardo di Caprio" still shares most 3-grams with
 * "Leonardo DiCaprio").
 */
final class ValueAnalyzers {
    static final String WORDS = "words";
    static final String GRAMS = "grams";
    static final int GRAM = 3;

    private ValueAnalyzers() {}

    static Analyzer create() {
        Analyzer words = new StandardAnalyzer(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
        Analyzer grams = new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer tokenizer = new NGramTokenizer(GRAM, GRAM);
                TokenStream stream = new LowerCaseFilter(tokenizer);
                return new TokenStreamComponents(tokenizer, stream);
            }
        };
        return new PerFieldAnalyzerWrapper(words, Map.of(GRAMS, grams));
    }
}
