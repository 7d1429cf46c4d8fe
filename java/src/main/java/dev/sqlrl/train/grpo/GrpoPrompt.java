package dev.sqlrl.train.grpo;

import dev.sqlrl.data.Example;
import dev.sqlrl.data.Prompt;

/** A training example ready for sampling: its rendered prompt and the prompt's tokens. */
record GrpoPrompt(Example example, Prompt prompt, int[] tokens) {}
