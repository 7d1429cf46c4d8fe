package dev.sqlrl.dist;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that starts this JVM again with other arguments: how the launcher starts its ranks. */
public final class SelfCommand {
    private SelfCommand() {}

    /**
     * The same java, JVM options and class path as this process, running {@code mainClass} with {@code args}. The
     * class path covers `java -jar` too: the jar is then the whole class path (sqlrl.jar is a shaded jar, without
     * Class-Path entries), and naming the main class spares reading its manifest.
     */
    public static List<String> of(String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** This JVM's options without a debugger agent: every rank would try to listen on the same debug port. */
    static List<String> jvmOptions(List<String> inputArguments) {
        return inputArguments.stream().filter(option -> !option.startsWith("-agentlib:jdwp")).toList();
    }

    /**
     * {@code args} without the option {@code name} and its value, in both spellings ({@code --name N} and
     * {@code --name=N}): what the ranks run is the command without the option that made it a launcher.
     */
    public static List<String> withoutOption(List<String> args, String name) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) { // after it every argument is a positional value, never the option
                kept.addAll(args.subList(i, args.size()));
                break;
            }
            if (arg.equals(name)) {
                i++; // and its value
            } else if (!arg.startsWith(name + "=")) {
                kept.add(arg);
            }
        }
        return kept;
    }
}
