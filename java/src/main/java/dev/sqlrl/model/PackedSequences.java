package dev.sqlrl.model;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Sequences packed back to back with their lengths, as the C ABI takes them. */
record PackedSequences(MemorySegment tokens, MemorySegment lens, long total) {
    static PackedSequences of(Arena arena, int[][] sequences) {
        long total = 0;
        int[] lens = new int[sequences.length];
        for (int i = 0; i < sequences.length; i++) {
            lens[i] = sequences[i].length;
            total += lens[i];
        }
        MemorySegment tokens = arena.allocate(JAVA_INT, Math.max(1, total));
        long offset = 0;
        for (int[] s : sequences) {
            MemorySegment.copy(s, 0, tokens, JAVA_INT, offset * 4, s.length);
            offset += s.length;
        }
        return new PackedSequences(tokens, arena.allocateFrom(JAVA_INT, lens), total);
    }
}
