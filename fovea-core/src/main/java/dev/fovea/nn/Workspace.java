package dev.fovea.nn;

import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * Everything a forward or backward pass writes besides parameters and their gradients: each
 * layer's output and gradient buffers, what forward keeps for backward (the input, masks, the
 * pre-activation), op instances with their scratch arrays, and the graph's per-node tables. One
 * workspace per thread ({@link #current()}), so one built model can run inference on many threads
 * at once, each in its own buffers, with results identical to sequential calls; and a thread that
 * calls again reuses its buffers, so steady-state inference and training allocate nothing.
 *
 * <p>A layer (or graph) keeps its per-call state in a small object of its own type, made on the
 * thread's first call by {@link #state}. Owners are held weakly: a model that is no longer used
 * leaves no buffers behind in the threads that ran it. State objects must therefore not refer
 * to their owner.
 *
 * <p>Backward reads what forward kept in the same thread's workspace: train and backpropagate a
 * model on one thread (training is single-caller).
 */
public final class Workspace {
    private static final ThreadLocal<Workspace> CURRENT = ThreadLocal.withInitial(Workspace::new);

    private final WeakHashMap<Object, Object> states = new WeakHashMap<>();

    private Workspace() {}

    /** The calling thread's workspace. */
    static Workspace current() { return CURRENT.get(); }

    /** The per-call state of {@code owner} in this workspace, made by {@code make} on first use. */
    @SuppressWarnings("unchecked")
    <S> S state(Object owner, Supplier<S> make) {
        Object s = states.get(owner);
        if (s == null) {
            s = make.get();
            states.put(owner, s);
        }
        return (S) s;
    }
}
