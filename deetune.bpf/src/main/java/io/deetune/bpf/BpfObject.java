package io.deetune.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.deetune.bpf.internal.KernelLog;
import io.deetune.bpf.internal.Libbpf;
import io.deetune.bpf.internal.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BPF ELF object (what clang writes): open it, prepare it (load-time constants, map reuse, pin paths), load it
 * into the kernel, then use its programs and maps. Closing the object closes every descriptor it owns; what is
 * pinned or attached through a pinned link stays in the kernel.
 */
public final class BpfObject implements AutoCloseable {

    /** Verifier log lines a rejection shows (the reason is in the last ones). */
    private static final int VERIFIER_LOG_LINES = 60;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.deetune.bpf.libbpf");

    private final String name;
    private final MemorySegment object;
    /** Where the kernel writes the verifier log during load; freed after load. */
    private KernelLog kernelLog;
    private boolean loaded;
    private boolean closed;
    /** Handles given out, by name: they borrow the object's descriptors and are told when it closes them. */
    private final Map<String, BpfMap> maps = new HashMap<>();
    private final Map<String, BpfProgram> programs = new HashMap<>();

    private BpfObject(String name, MemorySegment object, KernelLog kernelLog) {
        this.name = name;
        this.object = object;
        this.kernelLog = kernelLog;
    }

    /** Opens an object from the bytes of its ELF file (e.g. a resource inside a bundle). */
    public static BpfObject open(byte[] elf, String name) {
        if (elf == null || elf.length == 0) {
            throw new IllegalArgumentException("BPF object '" + name + "' is empty");
        }
        KernelLog kernelLog = new KernelLog();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocateFrom(ValueLayout.JAVA_BYTE, elf);
            MemorySegment opts = openOptions(arena, name, kernelLog);
            MemorySegment object = Native.call(Libbpf.OBJECT_OPEN_MEM, bytes, (long) elf.length, opts)
                    .checkPointer("open BPF object '" + name + "' (" + elf.length + " bytes)");
            return new BpfObject(name, object, kernelLog);
        } catch (RuntimeException e) {
            kernelLog.close();
            throw e;
        }
    }

    /** Opens an object from an ELF file. */
    public static BpfObject open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("BPF object file not found: " + file);
        }
        String name = file.getFileName().toString().replaceFirst("\\.bpf\\.o$|\\.o$", "");
        KernelLog kernelLog = new KernelLog();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment object = Native.call(Libbpf.OBJECT_OPEN_FILE, arena.allocateFrom(file.toString()),
                    openOptions(arena, name, kernelLog)).checkPointer("open BPF object file " + file);
            return new BpfObject(name, object, kernelLog);
        } catch (RuntimeException e) {
            kernelLog.close();
            throw e;
        }
    }

    /** Opens an object from a class-path resource, e.g. {@code bpf/dispatcher.bpf.o} of a bundle. */
    public static BpfObject open(Class<?> owner, String resource) {
        try (var in = owner.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("BPF object resource '" + resource + "' not found next to " + owner.getName());
            }
            String base = resource.substring(resource.lastIndexOf('/') + 1).replaceFirst("\\.bpf\\.o$|\\.o$", "");
            return open(in.readAllBytes(), base);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPF object resource " + resource, e);
        }
    }

    private static MemorySegment openOptions(Arena arena, String name, KernelLog kernelLog) {
        MemorySegment opts = arena.allocate(80, 8); // struct bpf_object_open_opts
        opts.set(JAVA_LONG, 0, 80);
        opts.set(ValueLayout.ADDRESS, 8, arena.allocateFrom(name));
        // kernel_log_buf, kernel_log_size; kernel_log_level 0: libbpf asks for the log only after a failure
        opts.set(ValueLayout.ADDRESS, 56, kernelLog.address());
        opts.set(JAVA_LONG, 64, kernelLog.size());
        opts.set(JAVA_INT, 72, 0);
        return opts;
    }

    public String name() {
        return name;
    }

    public synchronized boolean loaded() {
        return loaded;
    }

    /** The object's BTF (type information); needs {@code -g} at compile time. */
    public synchronized Btf btf() {
        requireOpen();
        MemorySegment btf = Native.call(Libbpf.OBJECT_BTF, object).asPointer();
        if (btf.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("BPF object '" + name + "' has no BTF (compile with clang -g)");
        }
        return new Btf(btf, this, this::requireOpen);
    }

    /** The names of the object's programs (C function names). */
    public synchronized List<String> programNames() {
        requireOpen();
        List<String> names = new ArrayList<>();
        MemorySegment prog = MemorySegment.NULL;
        while (!(prog = Native.call(Libbpf.OBJECT_NEXT_PROGRAM, object, prog).asPointer()).equals(MemorySegment.NULL)) {
            names.add(Native.string(Native.call(Libbpf.PROGRAM_NAME, prog).asPointer()));
        }
        return names;
    }

    /** The definitions of the object's maps, by name; available before load. */
    public synchronized Map<String, MapDefinition> mapDefinitions() {
        requireOpen();
        Map<String, MapDefinition> maps = new LinkedHashMap<>();
        MemorySegment map = MemorySegment.NULL;
        while (!(map = Native.call(Libbpf.OBJECT_NEXT_MAP, object, map).asPointer()).equals(MemorySegment.NULL)) {
            String mapName = Native.string(Native.call(Libbpf.MAP_NAME, map).asPointer());
            maps.put(mapName, new MapDefinition(mapName, MapType.of(Native.call(Libbpf.MAP_TYPE, map).asInt()),
                    Native.call(Libbpf.MAP_KEY_SIZE, map).asInt(), Native.call(Libbpf.MAP_VALUE_SIZE, map).asInt(),
                    Native.call(Libbpf.MAP_MAX_ENTRIES, map).asInt(), Native.call(Libbpf.MAP_FLAGS, map).asInt()));
        }
        return maps;
    }

    /**
     * The BTF layout of map {@code mapName}'s key and value as this object declares them (an unknown side where the
     * object has no BTF for it); compare it with {@link BpfMap#layout()} of a pinned map before reusing that.
     */
    public synchronized MapLayout mapLayout(String mapName) {
        requireOpen();
        MemorySegment map = mapHandle(mapName);
        MemorySegment btf = Native.call(Libbpf.OBJECT_BTF, object).asPointer();
        if (btf.equals(MemorySegment.NULL)) {
            return MapLayout.UNKNOWN;
        }
        return MapLayout.of(new Btf(btf, this, this::requireOpen), Native.call(Libbpf.MAP_BTF_KEY_TYPE_ID, map).asInt(),
                Native.call(Libbpf.MAP_BTF_VALUE_TYPE_ID, map).asInt());
    }

    /** Sets a {@code const volatile} variable of {@code .rodata} before load; the value's size must match. */
    public synchronized BpfObject setConstant(String variable, byte[] value) {
        requireNotLoaded("set constant '" + variable + "'");
        Btf.Variable var = btf().sectionVariables(".rodata").get(variable);
        if (var == null) {
            throw new IllegalArgumentException("BPF object '" + name + "' has no .rodata variable '" + variable
                    + "' (declare it 'const volatile'); it has " + btf().sectionVariables(".rodata").keySet());
        }
        if (var.size() != value.length) {
            throw new IllegalArgumentException("BPF object '" + name + "': .rodata variable '" + variable + "' has "
                    + var.size() + " bytes, the value has " + value.length);
        }
        MemorySegment rodata = internalMap(".rodata");
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment size = scratch.allocate(JAVA_LONG);
            MemorySegment current = Native.call(Libbpf.MAP_INITIAL_VALUE, rodata, size).asPointer();
            long length = size.get(JAVA_LONG, 0);
            MemorySegment copy = scratch.allocate(length);
            MemorySegment.copy(current.reinterpret(length), 0, copy, 0, length);
            MemorySegment.copy(value, 0, copy, ValueLayout.JAVA_BYTE, var.offset(), value.length);
            Native.call(Libbpf.MAP_SET_INITIAL_VALUE, rodata, copy, length).checkInt("set constant '" + variable + "' of '" + name + "'");
        }
        return this;
    }

    public BpfObject setConstant(String variable, int value) {
        return setConstant(variable, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    public BpfObject setConstant(String variable, long value) {
        return setConstant(variable, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(value).array());
    }

    /** Makes the object use an existing map (e.g. a pinned one) for map {@code mapName} instead of creating it. */
    public synchronized BpfObject reuseMap(String mapName, BpfMap existing) {
        requireNotLoaded("reuse map '" + mapName + "'");
        Native.call(Libbpf.MAP_REUSE_FD, mapHandle(mapName), existing.fd())
                .checkInt("reuse " + existing + " as map '" + mapName + "' of '" + name + "'");
        return this;
    }

    /** Changes a map's capacity before load (e.g. a rule table sized from configuration). */
    public synchronized BpfObject setMaxEntries(String mapName, int maxEntries) {
        requireNotLoaded("resize map '" + mapName + "'");
        Native.call(Libbpf.MAP_SET_MAX_ENTRIES, mapHandle(mapName), maxEntries)
                .checkInt("set max_entries of map '" + mapName + "' of '" + name + "'");
        return this;
    }

    /**
     * Pins map {@code mapName} at {@code path} on load; if a compatible map is already pinned there, libbpf reuses
     * it (and load fails if the pinned one is incompatible).
     */
    public synchronized BpfObject setPinPath(String mapName, Path path) {
        requireNotLoaded("set pin path of map '" + mapName + "'");
        try (Arena scratch = Arena.ofConfined()) {
            Native.call(Libbpf.MAP_SET_PIN_PATH, mapHandle(mapName), scratch.allocateFrom(path.toString()))
                    .checkInt("set pin path of map '" + mapName + "'");
        }
        return this;
    }

    /** Loads the object: creates its maps and verifies and loads its programs. */
    public synchronized BpfObject load() {
        requireNotLoaded("load");
        try {
            Native.Outcome outcome = Native.call(Libbpf.OBJECT_LOAD, object);
            if (outcome.asInt() < 0) {
                List<String> verifier = kernelLog.tail(VERIFIER_LOG_LINES);
                if (!verifier.isEmpty()) {
                    LOG.warn("BPF object '{}': kernel log:\n{}", name, String.join("\n", verifier));
                }
                throw outcome.error("load BPF object '" + name + "'", outcome.asInt(), verifier);
            }
        } finally {
            kernelLog.close(); // libbpf writes to it only during load, and loads once
        }
        loaded = true;
        return this;
    }

    /** A program of the loaded object, by its C function name; it lives as long as the object. */
    public synchronized BpfProgram program(String programName) {
        requireLoaded("program '" + programName + "'");
        BpfProgram known = programs.get(programName);
        if (known != null) {
            return known;
        }
        MemorySegment prog = MemorySegment.NULL;
        while (!(prog = Native.call(Libbpf.OBJECT_NEXT_PROGRAM, object, prog).asPointer()).equals(MemorySegment.NULL)) {
            if (programName.equals(Native.string(Native.call(Libbpf.PROGRAM_NAME, prog).asPointer()))) {
                BpfProgram program = new BpfProgram(Native.call(Libbpf.PROGRAM_FD, prog).asInt(), false);
                programs.put(programName, program);
                return program;
            }
        }
        throw new IllegalArgumentException("BPF object '" + name + "' has no program '" + programName + "'; it has " + programNames());
    }

    /** A map of the loaded object, by name; it lives as long as the object. */
    public synchronized BpfMap map(String mapName) {
        requireLoaded("map '" + mapName + "'");
        BpfMap known = maps.get(mapName);
        if (known == null) {
            known = new BpfMap(Native.call(Libbpf.MAP_FD, mapHandle(mapName)).asInt(), false);
            maps.put(mapName, known);
        }
        return known;
    }

    private MemorySegment mapHandle(String mapName) {
        MemorySegment map = MemorySegment.NULL;
        while (!(map = Native.call(Libbpf.OBJECT_NEXT_MAP, object, map).asPointer()).equals(MemorySegment.NULL)) {
            if (mapName.equals(Native.string(Native.call(Libbpf.MAP_NAME, map).asPointer()))) {
                return map;
            }
        }
        throw new IllegalArgumentException("BPF object '" + name + "' has no map '" + mapName + "'; it has " + mapDefinitions().keySet());
    }

    /** libbpf names internal maps "<object prefix>.rodata"; find it by suffix. */
    private MemorySegment internalMap(String section) {
        MemorySegment map = MemorySegment.NULL;
        while (!(map = Native.call(Libbpf.OBJECT_NEXT_MAP, object, map).asPointer()).equals(MemorySegment.NULL)) {
            String mapName = Native.string(Native.call(Libbpf.MAP_NAME, map).asPointer());
            if (mapName.endsWith(section)) {
                return map;
            }
        }
        throw new IllegalArgumentException("BPF object '" + name + "' has no " + section + " section");
    }

    /** libbpf frees the object's memory on close: every method checks first (a use after free crashes the JVM). */
    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("BPF object '" + name + "' is closed");
        }
    }

    private void requireLoaded(String what) {
        requireOpen();
        if (!loaded) {
            throw new IllegalStateException("BPF object '" + name + "' is not loaded yet: cannot use " + what);
        }
    }

    private void requireNotLoaded(String what) {
        requireOpen();
        if (loaded) {
            throw new IllegalStateException("BPF object '" + name + "' is already loaded: cannot " + what);
        }
    }

    /**
     * Closes the object and every descriptor it owns. Pinned maps and pinned links stay. The map and program handles
     * it gave out stop working (their descriptors are closed, and their numbers may soon name something else).
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            String reason = "cannot be used: its BPF object '" + name + "' is closed";
            maps.values().forEach(map -> map.forget(reason));
            programs.values().forEach(program -> program.forget(reason));
            Native.call(Libbpf.OBJECT_CLOSE, object);
            kernelLog.close();
        }
    }
}
