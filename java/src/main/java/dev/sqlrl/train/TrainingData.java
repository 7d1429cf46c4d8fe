package dev.sqlrl.train;

import dev.sqlrl.UserInputException;
import dev.sqlrl.config.DataSection;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.DatasetLayout;
import dev.sqlrl.data.DatasetLoader;
import dev.sqlrl.data.Example;
import java.util.List;

/** The training and evaluation splits of a run, as its data section describes them. */
public record TrainingData(Dataset train, Dataset eval) {

    public static TrainingData load(DataSection data) {
        if (data.path() == null) {
            throw new UserInputException("data.path is not set: give it in the config or with --data DIR");
        }
        Dataset train = prepare(DatasetLoader.load(data.path(), data.trainSplit()), data, data.maxExamples());
        Dataset eval = prepare(DatasetLoader.load(data.path(), data.evalSplit()), data, 0);
        return new TrainingData(train, eval);
    }

    private static Dataset prepare(Dataset dataset, DataSection data, int maxExamples) {
        if (data.layout() != DataSection.Layout.AUTO && !data.layout().name().equals(dataset.layout().name())) {
            throw new UserInputException("data.layout is " + data.layout().name().toLowerCase() + " but " + data.path()
                    + " holds the " + dataset.layout().name().toLowerCase() + " layout for split " + dataset.split());
        }
        if (dataset.examples().isEmpty()) {
            throw new UserInputException("split '" + dataset.split() + "' of " + data.path() + " has no examples");
        }
        List<Example> examples = dataset.examples();
        if (maxExamples > 0 && maxExamples < examples.size()) {
            examples = examples.subList(0, maxExamples);
        }
        if (!data.useEvidence() && dataset.layout() == DatasetLayout.BIRD) {
            examples = examples.stream().map(e -> new Example(e.id(), e.question(), e.goldSql(), e.dbId(), e.dbPath(),
                    null, e.difficulty())).toList();
        }
        return new Dataset(dataset.source(), dataset.layout(), dataset.split(), examples, dataset.schemas());
    }
}
