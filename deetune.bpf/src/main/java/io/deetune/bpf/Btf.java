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
    /**
     * Whoever's memory holds this BTF (a {@link BpfObject}, or the loader of a kernel BTF) frees it; every read
     * holds {@code lock} and first runs {@code requireAlive}, which fails once it is freed.
     */
    private final Object lock;
    private final Runnable requireAlive;

    Btf(MemorySegment btf, Object lock, Runnable requireAlive) {
        this.btf = btf;
        this.lock = lock;
        this.requireAlive = requireAlive;
    }

    /**
     * Runs {@code task} with the kernel's BTF object {@code btfId} (e.g. the one a map was created with), freed
     * afterwards.
     */
    static <T> T withKernelBtf(int btfId, java.util.function.Function<Btf, T> task) {
        MemorySegment loaded = Native.call(Libbpf.BTF_LOAD_FROM_KERNEL_BY_ID, btfId)
                .checkPointer("load BTF object id " + btfId + " from the kernel");
        boolean[] freed = {false};
        Btf btf = new Btf(loaded, new Object(), () -> {
            if (freed[0]) {
                throw new IllegalStateException("kernel BTF object " + btfId + " is freed");
            }
        });
        try {
            return task.apply(btf);
        } finally {
            synchronized (btf.lock) {
                freed[0] = true;
                Native.call(Libbpf.BTF_FREE, loaded);
            }
        }
    }

    /** A struct's size and the byte offset of each member. */
    public record StructLayout(String name, int size, Map<String, Integer> offsets) {}

    /** A variable of a data section: where it lies in the section and how large it is. */
    public record Variable(String name, int offset, int size) {}

    public Optional<StructLayout> struct(String name) {
        synchronized (lock) {
            requireAlive.run();
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
        synchronized (lock) {
            requireAlive.run();
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

    /**
     * A canonical text of type {@code typeId} that two BTFs give alike exactly when the layouts are alike: struct,
     * union and enum names, member names, offsets and sizes, integer widths and signedness, array lengths
     * (typedefs and qualifiers are looked through). See {@link MapLayout}.
     */
    String signature(int typeId) {
        synchronized (lock) {
            requireAlive.run();
            return new BtfSignature(this).of(typeId);
        }
    }

    private int find(String name, int kind) {
        try (Arena arena = Arena.ofConfined()) {
            return Native.call(Libbpf.BTF_FIND_BY_NAME_KIND, btf, arena.allocateFrom(name), kind).asInt();
        }
    }

    /** The {@code struct btf_type} of {@code id} with what follows it for its kind (members, array, int bits). */
    MemorySegment type(int id) {
        MemorySegment p = Native.call(Libbpf.BTF_TYPE_BY_ID, btf, id).asPointer();
        if (p.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("no BTF type " + id);
        }
        int info = p.reinterpret(TYPE_HEADER).get(JAVA_INT, 4);
        long extra = switch (kind(info)) {
            case 1, 14, 17 -> 4; // INT encoding, VAR linkage, DECL_TAG component
            case 3 -> 12; // struct btf_array
            case 6, 13 -> 8L * vlen(info); // btf_enum, btf_param
            default -> (long) ENTRY * vlen(info); // btf_member, btf_var_secinfo, btf_enum64
        };
        return p.reinterpret(TYPE_HEADER + extra);
    }

    String name(int offset) {
        return Native.string(Native.call(Libbpf.BTF_NAME_BY_OFFSET, btf, offset).asPointer());
    }

    static int vlen(int info) {
        return info & 0xffff;
    }

    static int kind(int info) {
        return (info >>> 24) & 0x1f;
    }
}
