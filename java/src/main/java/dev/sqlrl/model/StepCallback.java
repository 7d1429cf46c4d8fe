package dev.sqlrl.model;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A {@link StepListener} as the C function sqlrl_session_set_step_callback takes. An exception escaping an upcall
 * would end the JVM, so the listener's failure is kept, the generation told to end, and the failure rethrown by
 * {@link #rethrow} once the native call has returned.
 */
final class StepCallback {
    private static final FunctionDescriptor SIGNATURE = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle CALL;

    static {
        try {
            CALL = MethodHandles.lookup().findVirtual(StepCallback.class, "call",
                    MethodType.methodType(int.class, MemorySegment.class, int.class, MemorySegment.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final StepListener listener;
    private Throwable failure;

    StepCallback(StepListener listener) {
        this.listener = listener;
    }

    /** The C function pointer, valid while the arena is open. */
    MemorySegment stub(Arena arena) {
        return Linker.nativeLinker().upcallStub(CALL.bindTo(this), SIGNATURE, arena);
    }

    @SuppressWarnings("unused") // called from native code through the stub
    private int call(MemorySegment context, int step, MemorySegment tokens, int rows) {
        try {
            int[] row = tokens.reinterpret(rows * JAVA_INT.byteSize()).toArray(JAVA_INT);
            return listener.onStep(step, row) ? 0 : 1;
        } catch (Throwable t) {
            failure = t;
            return 1;
        }
    }

    void rethrow() {
        if (failure instanceof RuntimeException e) throw e;
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new IllegalStateException("step listener failed", failure);
    }
}
