package dev.sqlrl.demo.company;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The fixed word lists the company database is drawn from ({@code demo/company-words.yaml}).
 * Words hold no quote characters: questions and SQL carry them verbatim between single quotes.
 */
public record CompanyWords(List<String> companies, List<String> cities, List<String> industries, List<String> roles,
                           List<String> firstNames, List<String> lastNames, List<String> projects,
                           List<String> statuses) {
    static final String RESOURCE = "demo/company-words.yaml";

    public CompanyWords {
        companies = distinct("companies", companies);
        cities = distinct("cities", cities);
        industries = distinct("industries", industries);
        roles = distinct("roles", roles);
        firstNames = distinct("first_names", firstNames);
        lastNames = distinct("last_names", lastNames);
        projects = distinct("projects", projects);
        statuses = distinct("statuses", statuses);
    }

    /** The lists shipped with sqlrl. */
    public static CompanyWords bundled() {
        JsonNode root = BundledYaml.read(RESOURCE);
        return new CompanyWords(BundledYaml.textList(root, "companies", RESOURCE),
                BundledYaml.textList(root, "cities", RESOURCE), BundledYaml.textList(root, "industries", RESOURCE),
                BundledYaml.textList(root, "roles", RESOURCE), BundledYaml.textList(root, "first_names", RESOURCE),
                BundledYaml.textList(root, "last_names", RESOURCE), BundledYaml.textList(root, "projects", RESOURCE),
                BundledYaml.textList(root, "statuses", RESOURCE));
    }

    private static List<String> distinct(String name, List<String> words) {
        Set<String> seen = new HashSet<>();
        for (String word : words) {
            if (word.contains("'") || word.contains("\"")) {
                throw new IllegalArgumentException(RESOURCE + ": '" + name + "' word \"" + word + "\" holds a quote");
            }
            if (!seen.add(word)) {
                throw new IllegalArgumentException(RESOURCE + ": '" + name + "' lists \"" + word + "\" twice");
            }
        }
        return List.copyOf(words);
    }
}
