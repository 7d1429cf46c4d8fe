package dev.sqlrl.train;

import dev.sqlrl.config.DataSection;
import dev.sqlrl.config.RunConfig;
import dev.sqlrl.data.Dataset;
import dev.sqlrl.data.Example;
import dev.sqlrl.data.SpiderHardnessLabels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;

/**
 * The order in which a stage visits its training examples, as a pure function of (seed, position):
 * each epoch is a fresh seeded permutation, so a resumed run only needs its position to continue
 * exactly. With a curriculum, each epoch goes through the difficulty levels in order, shuffled within
 * each level.
 */
public final class ExampleOrder {
    private static final List<String> HARDNESS_ORDER = List.of("easy", "medium", "hard", "extra");

    private final long seed;
    private final int size;
    private final int[] level;

    private ExampleOrder(long seed, int size, int[] level) {
        if (size < 1) {
            throw new IllegalArgumentException("no training examples to order");
        }
        this.seed = seed;
        this.size = size;
        this.level = level;
    }

    /** Every epoch a uniform shuffle. */
    public static ExampleOrder shuffled(long seed, int size) {
        return new ExampleOrder(seed, size, new int[size]);
    }

    /** Lower levels first within every epoch (e.g. Spider hardness easy = 0 ... extra = 3), shuffled within a level. */
    public static <T> ExampleOrder curriculum(long seed, List<T> examples, ToIntFunction<T> levelOf) {
        int[] level = new int[examples.size()];
        for (int i = 0; i < level.length; i++) {
            level[i] = levelOf.applyAsInt(examples.get(i));
        }
        return new ExampleOrder(seed, examples.size(), level);
    }

    public int size() {
        return size;
    }

    /** The example index at a global position (position / size is the epoch). */
    public int at(long position) {
        return permutation(position / size)[(int) (position % size)];
    }

    /** {@code count} consecutive indices from {@code position}, crossing epochs as needed. */
    public int[] slice(long position, int count) {
        int[] out = new int[count];
        int[] permutation = null;
        long epoch = -1;
        for (int i = 0; i < count; i++) {
            long p = position + i;
            if (p / size != epoch) {
                epoch = p / size;
                permutation = permutation(epoch);
            }
            out[i] = permutation[(int) (p % size)];
        }
        return out;
    }

    private int[] permutation(long epoch) {
        SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)));
        List<Integer> indices = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            indices.add(i);
        }
        Collections.shuffle(indices, random);
        indices.sort(Comparator.comparingInt(i -> level[i])); // stable: keeps the shuffle within a level
        return indices.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The order of the stage's training examples ({@code indices}: positions in the dataset of the
     * usable ones): shuffled every epoch, or easy to hard by Spider hardness when data.curriculum asks.
     */
    public static ExampleOrder forStage(RunConfig config, Dataset train, List<Integer> indices) {
        if (config.data().curriculum() == DataSection.Curriculum.EASY_TO_HARD) {
            SpiderHardnessLabels hardness = SpiderHardnessLabels.forDataset(train);
            return ExampleOrder.curriculum(config.seed(), indices, i -> level(hardness, train.examples().get(i)));
        }
        return ExampleOrder.shuffled(config.seed(), indices.size());
    }

    /**
     * The order of the stage's training examples ({@code indices}: positions in the dataset of the
     * usable ones): shuffled every epoch, or easy to hard by Spider hardness when data.curriculum asks.
     */
    public static ExampleOrder exampleOrder(RunConfig config, Dataset train, List<Integer> indices) {
        if (config.data().curriculum() == DataSection.Curriculum.EASY_TO_HARD) {
            SpiderHardnessLabels hardness = SpiderHardnessLabels.forDataset(train);
            return ExampleOrder.curriculum(config.seed(), indices, i -> level(hardness, train.examples().get(i)));
        }
        return ExampleOrder.shuffled(config.seed(), indices.size());
    }

    private static int level(SpiderHardnessLabels hardness, Example example) {
        // gold SQL Spider's parser cannot read goes last
        return hardness.apply(example).map(HARDNESS_ORDER::indexOf).orElse(HARDNESS_ORDER.size());
    }
}
