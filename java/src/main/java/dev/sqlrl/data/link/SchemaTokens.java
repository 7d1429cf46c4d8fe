package dev.sqlrl.data.link;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tokenizer-free size of schema text: words (runs of letters, digits, underscores) plus punctuation marks. BPE
 * tokenizers split SQL DDL into roughly as many pieces, so ratios between two schemas hold for any model.
 */
public final class SchemaTokens {
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}_]+|[^\\s\\p{L}\\p{N}_]");

    private SchemaTokens() {}

    public static int count(String text) {
        Matcher m = TOKEN.matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
