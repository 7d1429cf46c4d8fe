package dev.sqlrl.model.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains a byte-level BPE vocabulary (the GPT-2 / Qwen2 scheme) on a small corpus.
 * Written by hand because the Java bindings of Hugging Face tokenizers (DJL) load and run
 * tokenizers but cannot train them; the result is written as a standard tokenizer.json that
 * DJL and Python's tokenizers both load. Deterministic: ties are broken by the pair's text.
 */
public final class ByteLevelBpeTrainer {
    /** GPT-2's pre-tokenizer pattern, the one tokenizers' ByteLevel pre-tokenizer applies. */
    static final Pattern PRE_TOKENIZE = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    /**
     * A trained vocabulary: token -> id, the 256 byte symbols first, then merges, then the special
     * tokens (as Qwen2 lays them out: tokenizers gives added tokens the ids after the model's vocabulary).
     */
    public record Vocabulary(Map<String, Integer> vocab, List<String[]> merges, List<String> specialTokens) {}

    private ByteLevelBpeTrainer() {}

    public static Vocabulary train(Iterable<String> corpus, int vocabSize, List<String> specialTokens) {
        String[] byteSymbols = byteToUnicode();
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) vocab.put(byteSymbols[b], vocab.size());
        int mergeBudget = vocabSize - specialTokens.size();
        if (mergeBudget < vocab.size()) {
            throw new IllegalArgumentException("vocab size " + vocabSize + " is below the " + (vocab.size() + specialTokens.size())
                    + " byte and special tokens");
        }

        Map<String, Integer> wordCounts = new HashMap<>();
        for (String text : corpus) {
            Matcher m = PRE_TOKENIZE.matcher(text);
            while (m.find()) wordCounts.merge(toByteSymbols(m.group(), byteSymbols), 1, Integer::sum);
        }
        List<List<String>> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        wordCounts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            List<String> symbols = new ArrayList<>();
            e.getKey().codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
            words.add(symbols);
            counts.add(e.getValue());
        });

        List<String[]> merges = new ArrayList<>();
        while (vocab.size() < mergeBudget) {
            Map<String, Integer> pairCounts = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<String> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) pairCounts.merge(s.get(i) + '\u0000' + s.get(i + 1), counts.get(w), Integer::sum);
            }
            String best = null;
            int bestCount = 1; // a pair seen once is not worth a token
            for (Map.Entry<String, Integer> e : pairCounts.entrySet()) {
                if (e.getValue() > bestCount || (e.getValue() == bestCount && best != null && e.getKey().compareTo(best) < 0)) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (best == null) break;
            String[] pair = best.split("\u0000", 2);
            String merged = pair[0] + pair[1];
            merges.add(pair);
            vocab.putIfAbsent(merged, vocab.size());
            for (List<String> s : words) {
                for (int i = 0; i + 1 < s.size(); i++) {
                    if (s.get(i).equals(pair[0]) && s.get(i + 1).equals(pair[1])) {
                        s.set(i, merged);
                        s.remove(i + 1);
                    }
                }
            }
        }
        for (String s : specialTokens) vocab.put(s, vocab.size());
        return new Vocabulary(vocab, merges, List.copyOf(specialTokens));
    }

    static String toByteSymbols(String text, String[] byteSymbols) {
        StringBuilder b = new StringBuilder();
        for (byte x : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) b.append(byteSymbols[x & 0xff]);
        return b.toString();
    }

    /** GPT-2's reversible map from bytes to printable unicode characters. */
    static String[] byteToUnicode() {
        String[] map = new String[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? String.valueOf((char) b) : String.valueOf((char) (256 + n++));
        }
        return map;
    }
}
