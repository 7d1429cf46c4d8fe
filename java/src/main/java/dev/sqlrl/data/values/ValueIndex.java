package dev.sqlrl.data.values;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;

/**
 * An opened value index of one database: finds the values a question mentions. BM25 over words and over character
 * 3-grams each proposes candidates; each candidate is then scored by {@link ValueSimilarity} against the question,
 * and those at or above the threshold are kept, exact mentions first, at most a few per column. Thread-safe.
 *
 * @param info what the cache recorded when the index was built
 */
public final class ValueIndex implements Closeable {
    /** Candidates taken from each of the two BM25 searches. */
    static final int CANDIDATES = 50;
    /** Longer query text (a long BIRD evidence) would exceed Lucene's clause limit in 3-grams. */
    private static final int MAX_QUERY_CHARS = 600;

    /** What was built: the database's file name, values indexed, build seconds, bytes on disk. */
    public record Info(String database, long values, double buildSeconds, long bytes) {}

    private final FSDirectory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final QueryBuilder queries;
    private final Info info;

    private ValueIndex(FSDirectory directory, DirectoryReader reader, Analyzer analyzer, Info info) {
        this.directory = directory;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.queries = new QueryBuilder(analyzer);
        this.info = info;
    }

    /**
     * Opens a built index and verifies every file's checksum, so a damaged cache fails here rather than answering
     * wrongly; {@code expectedValues} must equal the documents found.
     */
    static ValueIndex open(java.nio.file.Path indexDir, Info info) throws IOException {
        FSDirectory directory = FSDirectory.open(indexDir);
        DirectoryReader reader = null;
        try {
            reader = DirectoryReader.open(directory);
            for (LeafReaderContext leaf : reader.leaves()) {
                leaf.reader().checkIntegrity();
            }
            if (reader.numDocs() != info.values()) {
                throw new IOException("index holds " + reader.numDocs() + " values, its record says " + info.values());
            }
            return new ValueIndex(directory, reader, ValueAnalyzers.create(), info);
        } catch (IOException | RuntimeException e) {
            if (reader != null) reader.close();
            directory.close();
            throw e;
        }
    }

    public Info info() {
        return info;
    }

    /**
     * The values {@code text} (a question, with its evidence) mentions, with similarity >= {@code minSimilarity},
     * at most {@code perColumn} per column: exact mentions first, then by similarity.
     */
    public List<ValueMatch> search(String text, double minSimilarity, int perColumn) {
        String query = text.length() > MAX_QUERY_CHARS ? text.substring(0, MAX_QUERY_CHARS) : text;
        Map<Integer, Boolean> candidates = new LinkedHashMap<>();
        try {
            for (String field : List.of(ValueAnalyzers.WORDS, ValueAnalyzers.GRAMS)) {
                Query q = queries.createBooleanQuery(field, query);
                if (q == null) continue;
                for (ScoreDoc hit : searcher.search(q, CANDIDATES).scoreDocs) {
                    candidates.put(hit.doc, Boolean.TRUE);
                }
            }
            StoredFields stored = searcher.storedFields();
            List<ValueMatch> matches = new ArrayList<>();
            for (int doc : candidates.keySet()) {
                Document d = stored.document(doc);
                String value = d.get(ValueIndexBuilder.VALUE);
                double similarity = ValueSimilarity.of(value, query);
                if (similarity >= minSimilarity) {
                    matches.add(new ValueMatch(d.get(ValueIndexBuilder.TABLE), d.get(ValueIndexBuilder.COLUMN), value, similarity));
                }
            }
            matches.sort(Comparator.comparingDouble(ValueMatch::similarity).reversed()
                    .thenComparing(m -> m.value().length()).thenComparing(ValueMatch::value));
            Map<String, Integer> perColumnCount = new HashMap<>();
            List<ValueMatch> kept = new ArrayList<>();
            for (ValueMatch match : matches) {
                String key = (match.table() + "." + match.column()).toLowerCase(Locale.ROOT);
                if (perColumnCount.merge(key, 1, Integer::sum) <= perColumn) {
                    kept.add(match);
                }
            }
            return kept;
        } catch (IOException e) {
            throw new UncheckedIOException("value index of " + info.database() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
        directory.close();
    }
}
