package io.deetune.core.internal;

import io.deetune.bpf.BpfFs;
import io.deetune.bpf.BpfLink;
import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfProgram;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pins of one pipeline under {@code <root>/<pipeline>/}: their names, and staging, which pins a program and its
 * successor table under temporary names ({@code @new}) before they go live and renames them once they are, so no
 * moment leaves them unpinned (the kernel empties an unpinned, unreferenced program array).
 *
 * <pre>
 * stats                 per-CPU counters by slot (slot 0: dispatcher)      deetune_stats of every program
 * stage_meta            stage name -> {slot, priority}, to adopt the chain after a restart
 * dispatcher_prog/next  the dispatcher and its successor table
 * stage@S@prog/next     stage S and its successor table
 * link@NS@IF            the attachment to interface IF of namespace NS (host: the JVM's own; see PinNames)
 * </pre>
 */
final class PipelineFolder {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineFolder.class);
    /** The suffix of a pin that is staged: pinned before its switch, renamed once live. */
    static final String STAGED_SUFFIX = "@new";
    private static final String PROG_SUFFIX = "@prog";

    private final Path dir;
    private final String pipeline;

    PipelineFolder(Path dir, String pipeline) {
        this.dir = dir;
        this.pipeline = pipeline;
    }

    Path dir() {
        return dir;
    }

    Path resolve(String pin) {
        return dir.resolve(pin);
    }

    /** Creates the folder (owner-only) if it is missing. */
    void create() {
        BpfFs.createPrivateDirectories(dir);
    }

    Path stagePin(String stage, String what) {
        return dir.resolve(PinNames.stage(stage, what));
    }

    /** The stages pinned live ({@code stage@S@prog}). */
    List<String> pinnedStages() {
        return pinnedStages(PROG_SUFFIX);
    }

    /** The stages whose program is pinned staged only ({@code stage@S@prog@new}). */
    List<String> stagedStages() {
        return pinnedStages(PROG_SUFFIX + STAGED_SUFFIX);
    }

    private List<String> pinnedStages(String suffix) {
        return names(n -> n.startsWith("stage@") && n.endsWith(suffix)).stream()
                .map(n -> n.substring("stage@".length(), n.length() - suffix.length()))
                .sorted().toList();
    }

    /** The attachment pins ({@code link@NS@IF}). */
    List<Path> linkPins() {
        return names(PinNames::isLink).stream().map(dir::resolve).toList();
    }

    private List<String> names(Predicate<String> filter) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(filter).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Unpins a stage's program and successor table. */
    void unpinStage(String stage) {
        BpfFs.unpin(stagePin(stage, "prog"));
        BpfFs.unpin(stagePin(stage, "next"));
    }

    /** Pins a stage's program and successor table staged, before the switch that makes them live. */
    void stage(String stage, BpfProgram program, BpfMap next) {
        pinStaged(program, next, stagePin(stage, "prog"), stagePin(stage, "next"));
    }

    /** Once the stage is live: renames its staged pins to their final names. */
    void commit(String stage) {
        commitStaged(stagePin(stage, "prog"), stagePin(stage, "next"));
    }

    /** {@link #stage} for any program and table pinned at {@code progPin} and {@code nextPin} (the dispatcher's). */
    void pinStaged(BpfProgram program, BpfMap next, Path progPin, Path nextPin) {
        Path prog = staged(progPin);
        Path table = staged(nextPin);
        BpfFs.unpin(prog);
        BpfFs.unpin(table);
        program.pin(prog);
        next.pin(table);
    }

    /** Moves the staged pins to their final names, replacing those of what was replaced. */
    void commitStaged(Path progPin, Path nextPin) {
        try {
            Files.move(staged(progPin), progPin, StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged(nextPin), nextPin, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename the pins " + staged(progPin) + " and " + staged(nextPin), e);
        }
    }

    static Path staged(Path pin) {
        return pin.resolveSibling(pin.getFileName() + STAGED_SUFFIX);
    }

    /**
     * Unpins staging pins ({@code @new}) that a run which stopped (crashed) mid-change left behind: what they hold
     * never went live, or its live part was renamed on adoption.
     */
    void removeStagedLeftovers() {
        for (String name : names(n -> n.endsWith(STAGED_SUFFIX))) {
            LOG.info("pipeline '{}': unpinning {}, left staged by an earlier run", pipeline, name);
            BpfFs.unpin(dir.resolve(name));
        }
    }

    /** Takes the whole folder out of the kernel (see {@link #removePins(Path)}). */
    void removeAll() {
        removePins(dir);
    }

    /**
     * Takes a pipeline folder out of the kernel: detaches every attachment pinned there, unpins everything (the kernel
     * frees what nothing else holds) and removes the folder. Also used for orphaned pipelines, which no runtime holds.
     */
    static void removePins(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> pins = Files.list(dir)) {
            for (Path pin : pins.toList()) {
                if (PinNames.isLink(pin.getFileName().toString())) {
                    try (BpfLink link = BpfLink.openPinned(pin)) {
                        link.detach();
                    } catch (RuntimeException e) {
                        LOG.debug("stale link pin {}: {}", pin, e.getMessage());
                    }
                }
                BpfFs.unpin(pin);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
