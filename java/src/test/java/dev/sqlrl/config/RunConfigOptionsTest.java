package dev.sqlrl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class RunConfigOptionsTest {
    @Command(name = "train")
    static final class TrainLikeCommand {
        @Mixin RunConfigOptions config;
    }

    @Test
    void configFileAndRepeatedSetOptionsLoadTogether() {
        TrainLikeCommand command = new TrainLikeCommand();
        String file = ConfigFiles.folder().resolve("grpo_spider.yaml").toString();
        new CommandLine(command).parseArgs("--config", file, "--set", "grpo.beta=0.04", "--set", "grpo.loss_type=grpo");
        assertEquals(List.of("grpo.beta=0.04", "grpo.loss_type=grpo"), command.config.overrides());
        RunConfig config = command.config.load();
        assertEquals(0.04, config.grpo().beta());
        assertEquals(LossType.GRPO, config.grpo().lossType());
    }
}
