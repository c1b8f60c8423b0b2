package io.deetune.core.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;

/**
 * A program of a pipeline's chain with its one-slot successor table. Either loaded by this run (it has its
 * object and registration) or adopted from pins a previous run left (program and table only).
 */
final class ChainEntry implements AutoCloseable {

    final String name;
    final int priority;
    final int slot;
    final BpfProgram program;
    final BpfMap next;
    /** Null for an adopted entry. */
    final BpfObject object;
    /** Null for an adopted entry and for the dispatcher. */
    final StageRegistration registration;

    ChainEntry(String name, int priority, int slot, BpfProgram program, BpfMap next, BpfObject object,
            StageRegistration registration) {
        this.name = name;
        this.priority = priority;
        this.slot = slot;
        this.program = program;
        this.next = next;
        this.object = object;
        this.registration = registration;
    }

    boolean adopted() {
        return object == null;
    }

    @Override
    public void close() {
        if (object != null) {
            object.close();
        } else {
            program.close();
            next.close();
        }
    }
}
