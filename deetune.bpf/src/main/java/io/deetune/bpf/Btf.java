package io.deetune.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.deetune.bpf.internal.Libbpf;
import io.deetune.bpf.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The BTF (type information) of a BPF object: struct layouts, so that Java codecs can be checked against the C
 * declarations, and the variables of data sections such as {@code .rodata}.
 */
public final class Btf {

    private static final int KIND_STRUCT = 4;
    private static final int KIND_VAR = 14;
    private static final int KIND_DATASEC = 15;
    /** struct btf_type: name_off, info, size/type. Members and section entries follow it. */
    private static final int TYPE_HEADER = 12;
    private static final int ENTRY = 12;

    private final MemorySegment btf;
    /** The object whose memory holds this BTF: closing it frees the BTF, so every read checks it is still open. */
    private final BpfObject owner;

    Btf(MemorySegment btf, BpfObject owner) {
        this.btf = btf;
        this.owner = owner;
    }

    /** A struct's size and the byte offset of each member. */
    public record StructLayout(String name, int size, Map<String, Integer> offsets) {}

    /** A variable of a data section: where it lies in the section and how large it is. */
    public record Variable(String name, int offset, int size) {}

    public Optional<StructLayout> struct(String name) {
        synchronized (owner) {
            owner.requireOpen();
            return structOf(name);
        }
    }

    private Optional<StructLayout> structOf(String name) {
        int id = find(name, KIND_STRUCT);
        if (id < 0) {
            return Optional.empty();
        }
        MemorySegment type = type(id);
        int info = type.get(JAVA_INT, 4);
        boolean bitfieldEncoding = (info >>> 31) != 0;
        Map<String, Integer> offsets = new LinkedHashMap<>();
        for (int i = 0; i < vlen(info); i++) {
            long base = TYPE_HEADER + (long) i * ENTRY;
            int bits = type.get(JAVA_INT, base + 8);
            if (bitfieldEncoding) {
                bits &= 0xffffff;
            }
            offsets.put(name(type.get(JAVA_INT, base)), bits / 8);
        }
        return Optional.of(new StructLayout(name, type.get(JAVA_INT, 8), offsets));
    }

    /** The variables of a data section ({@code .rodata}, {@code .data}, {@code .bss}), by name. */
    public Map<String, Variable> sectionVariables(String section) {
        synchronized (owner) {
            owner.requireOpen();
            return variablesOf(section);
        }
    }

    private Map<String, Variable> variablesOf(String section) {
        Map<String, Variable> variables = new LinkedHashMap<>();
        int id = find(section, KIND_DATASEC);
        if (id < 0) {
            return variables;
        }
        MemorySegment type = type(id);
        int count = vlen(type.get(JAVA_INT, 4));
        for (int i = 0; i < count; i++) {
            long base = TYPE_HEADER + (long) i * ENTRY;
            MemorySegment var = type(type.get(JAVA_INT, base));
            if (kind(var.get(JAVA_INT, 4)) != KIND_VAR) {
                continue;
            }
            String name = name(var.get(JAVA_INT, 0));
            variables.put(name, new Variable(name, type.get(JAVA_INT, base + 4), type.get(JAVA_INT, base + 8)));
        }
        return variables;
    }

    private int find(String name, int kind) {
        try (Arena arena = Arena.ofConfined()) {
            return Native.call(Libbpf.BTF_FIND_BY_NAME_KIND, btf, arena.allocateFrom(name), kind).asInt();
        }
    }

    private MemorySegment type(int id) {
        MemorySegment p = Native.call(Libbpf.BTF_TYPE_BY_ID, btf, id).asPointer();
        int vlen = vlen(p.reinterpret(TYPE_HEADER).get(JAVA_INT, 4));
        return p.reinterpret(TYPE_HEADER + (long) vlen * ENTRY);
    }

    private String name(int offset) {
        return Native.string(Native.call(Libbpf.BTF_NAME_BY_OFFSET, btf, offset).asPointer());
    }

    private static int vlen(int info) {
        return info & 0xffff;
    }

    private static int kind(int info) {
        return (info >>> 24) & 0x1f;
    }
}
