package io.deetune.core.internal;

import io.deetune.bpf.BpfFs;
import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.MapDefinition;
import io.deetune.bpf.MapLayout;
import io.deetune.core.api.StageMaps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the state maps of stages: pinned under {@code <root>/stages/<stage>/<map>}, shared by the stage's instances
 * in every pipeline, reused across reloads and upgrades while their definition stays the same. Hands them to the
 * stage service ({@code loaded}/{@code unloading}). Only the engine thread calls it.
 */
final class StateMapStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateMapStore.class);
    /** Maps of a stage object that belong to the chain, not to the stage. */
    static final Set<String> CHAIN_MAPS = Set.of("deetune_next", "deetune_stats");

    private final Path root;
    /** Stage name -> the registration that got its maps, with the open maps. */
    private final Map<String, Handed> handed = new HashMap<>();

    private record Handed(StageRegistration registration, StageMapsView maps) {}

    /** Stages for which a load pinned a new state map since their maps were last handed over. */
    private final Set<String> newMapsPinned = new java.util.HashSet<>();

    StateMapStore(Path root) {
        this.root = root;
    }

    Path folder(String stage) {
        return root.resolve(PinNames.STAGES_FOLDER).resolve(stage);
    }

    static boolean isStateMap(String mapName) {
        return !CHAIN_MAPS.contains(mapName) && !mapName.contains(".");
    }

    /** Before load: make the object reuse the stage's pinned maps, or pin new ones where none fit. */
    void prepare(String stage, BpfObject object) {
        Path dir = BpfFs.createPrivateDirectories(folder(stage));
        for (MapDefinition wanted : object.mapDefinitions().values()) {
            if (!isStateMap(wanted.name())) {
                continue;
            }
            Path pin = dir.resolve(wanted.name());
            if (Files.exists(pin)) {
                try (BpfMap pinned = BpfMap.openPinned(pin)) {
                    if (!pinned.definition().compatibleWith(wanted)) {
                        LOG.warn("stage '{}': map '{}' changed definition from {} to {}: the pinned map is replaced by a new, empty one",
                                stage, wanted.name(), pinned.definition(), wanted);
                    } else {
                        // Same sizes can still be another layout (fields swapped, retyped): the BTF tells.
                        MapLayout was = pinned.layout();
                        MapLayout now = object.mapLayout(wanted.name());
                        if (was.matches(now)) {
                            object.reuseMap(wanted.name(), pinned);
                            continue;
                        }
                        LOG.warn("stage '{}': map '{}' changed layout from {} to {}: the pinned map is replaced by a new, empty one",
                                stage, wanted.name(), was, now);
                    }
                }
                BpfFs.unpin(pin);
            }
            object.setPinPath(wanted.name(), pin);
            newMapsPinned.add(stage);
        }
    }

    /**
     * After a successful load: hands the maps to the registration's stage if it does not hold them yet: a new
     * service object, or new maps (a changed definition) for the same one.
     */
    void handTo(StageRegistration registration) {
        Handed current = handed.get(registration.name());
        boolean newMaps = newMapsPinned.remove(registration.name());
        if (current != null && !newMaps && current.registration().stage() == registration.stage()) {
            handed.put(registration.name(), new Handed(registration, current.maps()));
            return;
        }
        if (current != null) {
            release(registration.name());
        }
        StageMapsView maps = new StageMapsView(registration.name(), folder(registration.name()));
        handed.put(registration.name(), new Handed(registration, maps));
        try {
            registration.stage().loaded(maps);
        } catch (RuntimeException e) {
            LOG.error("stage '{}': its loaded() callback failed", registration.name(), e);
        }
    }

    /** Tells the stage service its maps go away, and closes the handles. */
    void release(String stage) {
        Handed current = handed.remove(stage);
        if (current == null) {
            return;
        }
        try {
            current.registration().stage().unloading(current.maps());
        } catch (RuntimeException e) {
            LOG.error("stage '{}': its unloading() callback failed", stage, e);
        }
        current.maps().close();
    }

    /** Removes the stage's pins for good (its plugin was uninstalled). */
    void unpinAll(String stage) {
        release(stage);
        Path dir = folder(stage);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> pins = Files.list(dir)) {
            pins.forEach(BpfFs::unpin);
            Files.deleteIfExists(dir);
            LOG.info("stage '{}': state maps unpinned from {}", stage, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpin " + dir, e);
        }
    }

    @Override
    public void close() {
        for (String stage : Set.copyOf(handed.keySet())) {
            release(stage);
        }
    }

    /** The maps of one stage, opened from their pins; owned by the core. */
    static final class StageMapsView implements StageMaps, AutoCloseable {
        private final String stage;
        private final Map<String, BpfMap> maps = new LinkedHashMap<>();

        StageMapsView(String stage, Path dir) {
            this.stage = stage;
            try (Stream<Path> pins = Files.list(dir)) {
                pins.sorted().forEach(pin -> maps.put(pin.getFileName().toString(), BpfMap.openPinned(pin)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir, e);
            }
        }

        @Override
        public String stage() {
            return stage;
        }

        @Override
        public BpfMap map(String name) {
            BpfMap map = maps.get(name);
            if (map == null) {
                throw new IllegalArgumentException("stage '" + stage + "' has no state map '" + name + "'; it has " + maps.keySet());
            }
            return map;
        }

        @Override
        public Set<String> names() {
            return Set.copyOf(maps.keySet());
        }

        @Override
        public void close() {
            maps.values().forEach(BpfMap::close);
            maps.clear();
        }
    }
}
