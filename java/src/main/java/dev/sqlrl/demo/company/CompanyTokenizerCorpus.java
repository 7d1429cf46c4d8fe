package dev.sqlrl.demo.company;

import dev.sqlrl.data.ChatMessage;
import dev.sqlrl.data.PromptTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Text for training the demo model's byte-level BPE: the generic English/SQL corpus that
 * init-model uses by default, then, for every question of both splits, the chat turns its prompt
 * will hold (role name and message text, schema included) and its fenced gold SQL. It is
 * vocabulary, not answers: the tokenizer learns which strings are frequent, never which SQL
 * answers which question. Writing whole prompts weighs each string as often as the model will read
 * it, so the schema, the template's wording and the slot values get merged into few tokens.
 */
final class CompanyTokenizerCorpus {
    static final String GENERIC_CORPUS_RESOURCE = "init/tokenizer-corpus.txt";

    private CompanyTokenizerCorpus() {}

    static String text(PromptTemplate template, String schemaText, CompanyQuestions.Split split) {
        StringBuilder out = new StringBuilder(genericCorpus());
        if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') out.append('\n');
        for (List<QuestionPair> pairs : List.of(split.train(), split.heldOut())) {
            for (QuestionPair pair : pairs) {
                // Role names stand in for the chat template's markers: those are special tokens, never merged.
                for (ChatMessage message : template.messages(schemaText, pair.question(), null)) {
                    out.append(message.role()).append('\n').append(message.content()).append('\n');
                }
                out.append("assistant\n```sql\n").append(pair.sql()).append("\n```\n");
            }
        }
        return out.toString();
    }

    private static String genericCorpus() {
        try (InputStream in = CompanyTokenizerCorpus.class.getClassLoader().getResourceAsStream(GENERIC_CORPUS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundled resource " + GENERIC_CORPUS_RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + GENERIC_CORPUS_RESOURCE, e);
        }
    }
}
