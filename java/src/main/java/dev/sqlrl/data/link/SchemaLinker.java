package dev.sqlrl.data.link;

import dev.sqlrl.data.DatabaseSchema;
import dev.sqlrl.data.values.ValueMatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Links a question to the tables of its database, CodeS/RESDSQL-style but without a trained classifier: a table is
 * linked when the question names it (a word of its name, singular or plural), names one of its columns (all of the
 * column name's words, generic ones such as "id" and "name" aside), or mentions one of its values (value retrieval).
 * The linked tables, their foreign-key neighbours and the foreign-key paths that join them are kept, with all their
 * columns; a question that links nothing keeps the whole schema.
 */
public final class SchemaLinker {
    /** Column-name words that nearly every question and table has: they link nothing on their own. */
    private static final Set<String> GENERIC = Set.of("id", "name", "code", "type", "number", "date", "the", "of");

    private SchemaLinker() {}

    /** The kept part of a schema: tables in schema order, their foreign keys among themselves. */
    public static DatabaseSchema prune(DatabaseSchema schema, String question, List<ValueMatch> values) {
        Set<String> kept = new HashSet<>(keptTables(schema, question, values));
        List<DatabaseSchema.Table> tables = schema.tables().stream().filter(t -> kept.contains(lower(t.name()))).toList();
        List<DatabaseSchema.ForeignKey> keys = schema.foreignKeys().stream()
                .filter(k -> kept.contains(lower(k.fromTable())) && kept.contains(lower(k.toTable()))).toList();
        return new DatabaseSchema(schema.dbId(), tables, keys);
    }

    /** Lower-case names of the kept tables, in schema order. */
    public static List<String> keptTables(DatabaseSchema schema, String question, List<ValueMatch> values) {
        Set<String> words = new HashSet<>();
        for (String word : words(question)) {
            words.add(word);
            words.add(singular(word));
        }
        Set<String> linked = new LinkedHashSet<>();
        for (DatabaseSchema.Table table : schema.tables()) {
            if (named(table.name(), words, false) || table.columns().stream().anyMatch(c -> named(c.name(), words, true))) {
                linked.add(lower(table.name()));
            }
        }
        values.forEach(v -> linked.add(lower(v.table())));
        linked.removeIf(name -> schema.table(name).isEmpty());
        if (linked.isEmpty()) {
            return schema.tables().stream().map(t -> lower(t.name())).toList();
        }
        Map<String, Set<String>> graph = foreignKeyGraph(schema);
        Set<String> kept = new HashSet<>(linked);
        for (String table : linked) {
            kept.addAll(graph.getOrDefault(table, Set.of()));
            for (String other : linked) {
                kept.addAll(path(graph, table, other));
            }
        }
        return schema.tables().stream().map(t -> lower(t.name())).filter(kept::contains).toList();
    }

    private static boolean named(String identifier, Set<String> questionWords, boolean column) {
        List<String> parts = words(identifier.replaceAll("([a-z])([A-Z])", "$1 $2"));
        List<String> meaningful = parts.stream().filter(p -> p.length() > 1 && !(column && GENERIC.contains(p))).toList();
        if (meaningful.isEmpty()) {
            return false;
        }
        if (column) {
            return meaningful.stream().allMatch(p -> questionWords.contains(p) || questionWords.contains(singular(p)));
        }
        return meaningful.stream().anyMatch(p -> p.length() > 2 && (questionWords.contains(p) || questionWords.contains(singular(p))));
    }

    private static Map<String, Set<String>> foreignKeyGraph(DatabaseSchema schema) {
        Map<String, Set<String>> graph = new HashMap<>();
        for (DatabaseSchema.ForeignKey key : schema.foreignKeys()) {
            String from = lower(key.fromTable());
            String to = lower(key.toTable());
            graph.computeIfAbsent(from, k -> new HashSet<>()).add(to);
            graph.computeIfAbsent(to, k -> new HashSet<>()).add(from);
        }
        return graph;
    }

    /** The tables on a shortest foreign-key path between two tables (empty when none joins them). */
    private static List<String> path(Map<String, Set<String>> graph, String from, String to) {
        Map<String, String> previous = new HashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>(List.of(from));
        previous.put(from, from);
        while (!queue.isEmpty()) {
            String table = queue.poll();
            if (table.equals(to)) {
                List<String> out = new ArrayList<>();
                for (String t = to; !t.equals(from); t = previous.get(t)) out.add(t);
                return out;
            }
            for (String next : graph.getOrDefault(table, Set.of())) {
                if (previous.putIfAbsent(next, table) == null) queue.add(next);
            }
        }
        return List.of();
    }

    private static List<String> words(String text) {
        String spaced = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
        return spaced.isEmpty() ? List.of() : List.of(spaced.split(" "));
    }

    private static String singular(String word) {
        if (word.endsWith("ies") && word.length() > 4) return word.substring(0, word.length() - 3) + "y";
        if (word.endsWith("es") && word.length() > 4 && (word.endsWith("ses") || word.endsWith("xes") || word.endsWith("ches"))) {
            return word.substring(0, word.length() - 2);
        }
        if (word.endsWith("s") && !word.endsWith("ss") && word.length() > 3) return word.substring(0, word.length() - 1);
        return word;
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
