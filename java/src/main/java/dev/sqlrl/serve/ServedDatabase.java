package dev.sqlrl.serve;

import dev.sqlrl.data.DatabaseSchema;
import java.nio.file.Path;
import java.util.List;

/**
 * One database the server answers questions about.
 *
 * @param id              the id requests name it by
 * @param file            its SQLite file (never shown to clients)
 * @param schema          tables, columns and keys
 * @param schemaText      the schema exactly as prompts show it to the model
 * @param sampleQuestions questions of the dataset split about it (for the page), possibly none
 */
public record ServedDatabase(String id, Path file, DatabaseSchema schema, String schemaText, List<String> sampleQuestions) {
    public ServedDatabase {
        sampleQuestions = List.copyOf(sampleQuestions);
    }
}
