package dev.sqlrl.train;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.DataSection;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLayout;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.GoldQueryCheck;
import dev.sqlrl.sql.SandboxLimits;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The training and evaluation splits of a run, as its data section describes them. */
public record TrainingData(Dataset train, Dataset eval) {

    public static TrainingData load(DataSection data) {
        if (data.path() == null) {
            throw new UserInputException("data.path is not set: give it in the config or with --data DIR");
        }
        if (Files.isRegularFile(data.path())) {
            throw new UserInputException("data.path " + data.path() + " is a single file, so training and evaluation would"
                    + " use the same rows: put the splits side by side in one folder (" + data.trainSplit() + ".jsonl, "
                    + data.evalSplit() + ".jsonl) and give the folder");
        }
        Dataset train = prepare(DatasetLoader.load(data.path(), data.trainSplit(),
                new DatasetLoader.Options(data.maxExamples(), data.skipMissingDatabases())), data);
        Dataset eval = prepare(DatasetLoader.load(data.path(), data.evalSplit(),
                new DatasetLoader.Options(0, data.skipMissingDatabases())), data);
        return new TrainingData(withRunnableGold(train, data), withRunnableGold(eval, data));
    }

    /**
     * The split without the examples whose gold SQL does not run (data.invalid_gold: skip, each reported), or
     * a one-line refusal naming them (refuse).
     */
    private static Dataset withRunnableGold(Dataset dataset, DataSection data) {
        for (String missing : dataset.missingDatabases()) {
            System.err.println("data: left out (database missing): " + missing);
        }
        List<GoldQueryCheck.Failure> failures = GoldQueryCheck.run(dataset, SandboxLimits.defaults());
        if (failures.isEmpty()) return dataset;
        if (data.invalidGold() == DataSection.InvalidGold.REFUSE) {
            String shown = failures.stream().limit(3).map(GoldQueryCheck.Failure::describe).collect(Collectors.joining("; "));
            throw new UserInputException(failures.size() + " gold quer" + (failures.size() == 1 ? "y" : "ies") + " of split '"
                    + dataset.split() + "' do not run: " + shown + (failures.size() > 3 ? "; ..." : "")
                    + " (all of them: sqlrl data stats --data " + data.path() + " --split " + dataset.split()
                    + "); fix them, or set data.invalid_gold: skip to leave those examples out");
        }
        Set<Example> failed = new HashSet<>();
        for (GoldQueryCheck.Failure f : failures) {
            System.err.println("data: left out (gold SQL does not run): " + f.describe());
            failed.add(f.example());
        }
        List<Example> kept = dataset.examples().stream().filter(e -> !failed.contains(e)).toList();
        if (kept.isEmpty()) {
            throw new UserInputException("split '" + dataset.split() + "' of " + data.path() + ": no example's gold SQL runs");
        }
        return dataset.withExamples(kept);
    }

    private static Dataset prepare(Dataset dataset, DataSection data) {
        if (data.layout() != DataSection.Layout.AUTO && !data.layout().name().equals(dataset.layout().name())) {
            throw new UserInputException("data.layout is " + data.layout().name().toLowerCase() + " but " + data.path()
                    + " holds the " + dataset.layout().name().toLowerCase() + " layout for split " + dataset.split());
        }
        if (dataset.examples().isEmpty()) {
            throw new UserInputException("split '" + dataset.split() + "' of " + data.path() + " has no examples");
        }
        List<Example> examples = dataset.examples();
        if (!data.useEvidence() && dataset.layout() == DatasetLayout.BIRD) {
            examples = examples.stream().map(Example::withoutEvidence).toList();
        }
        return dataset.withExamples(examples);
    }
}
