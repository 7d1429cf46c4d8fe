package dev.sqlrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command's --help works (exit 0), shows an example, and explains each option with its default: a user
 * should not have to read the code to know what an option does or what happens without it.
 */
class HelpTest {
    @Test
    void everyCommandHasHelpWithAnExampleAndEveryOptionItsDescriptionAndDefault() {
        List<String> problems = new ArrayList<>();
        for (CommandLine command : allCommands(new CommandLine(new SqlrlCommand()))) {
            List<String> path = path(command);
            List<String> args = new ArrayList<>(path.subList(1, path.size()));
            args.add("--help");
            CliRun.Result help = CliRun.run(args.toArray(String[]::new));
            String name = String.join(" ", path);
            if (help.code() != 0) {
                problems.add(name + " --help exits " + help.code() + ": " + help.err().strip());
                continue;
            }
            if (!help.out().contains("Example")) problems.add(name + " --help shows no example");
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (option.usageHelp() || option.versionHelp()) continue;
                String description = String.join(" ", option.description()).strip();
                if (description.isEmpty()) {
                    problems.add(name + " " + option.longestName() + " has no description");
                } else if (needsDefault(option) && !description.toLowerCase(Locale.ROOT).contains("default")) {
                    problems.add(name + " " + option.longestName() + " does not say its default: " + description);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void groupCommandsTakeHelpToo() {
        for (String group : List.of("train", "bench", "data", "sql")) {
            CliRun.Result help = CliRun.run(group, "--help");
            assertEquals(0, help.code(), group + ": " + help.err());
            assertTrue(help.out().contains("Commands:"), help.out());
        }
    }

    /** Optional options that take one value: what they default to must be said (flags and repeatable ones need not). */
    private static boolean needsDefault(OptionSpec option) {
        Class<?> type = option.type();
        boolean flag = type == boolean.class || type == Boolean.class && option.arity().max() == 0;
        return !option.required() && !flag && !option.isMultiValue();
    }

    private static List<CommandLine> allCommands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        all.add(root);
        for (CommandLine sub : root.getSubcommands().values()) {
            if (!all.contains(sub)) all.addAll(allCommands(sub));
        }
        return all.stream().distinct().toList();
    }

    private static List<String> path(CommandLine command) {
        List<String> names = new ArrayList<>();
        for (CommandSpec spec = command.getCommandSpec(); spec != null; spec = spec.parent()) names.addFirst(spec.name());
        return names;
    }
}
