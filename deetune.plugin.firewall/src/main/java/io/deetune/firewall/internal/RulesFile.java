package io.deetune.firewall.internal;

import io.deetune.core.api.ConfigText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;

/**
 * The rules file the configuration names, and the modification time of the version last read: a change of it is
 * what makes the firewall read the file again.
 */
final class RulesFile {

    private final Path path;
    /** The modification time taken by {@link #markRead}; null before, or when the file could not be read. */
    private FileTime readTime;

    private RulesFile(Path path) {
        this.path = path;
    }

    /** The file {@code configured} names; a relative name is resolved against karaf.etc when that is set. */
    static RulesFile resolve(String configured) {
        ConfigText.requirePrintable("rules.file", configured); // it reaches log lines
        Path p = Path.of(configured);
        String etc = System.getProperty("karaf.etc");
        return new RulesFile(p.isAbsolute() || etc == null ? p : Path.of(etc).resolve(p));
    }

    /** The file's rules; a RuleException names the file and line at fault, or says the file cannot be read. */
    List<Rule> read() {
        try {
            return RuleParser.parse(Files.readString(path), path.getFileName().toString());
        } catch (IOException e) {
            throw new RuleException("cannot read rules file " + path + ": " + e);
        }
    }

    /** The file's name, as rule errors cite it. */
    String name() {
        return path.getFileName().toString();
    }

    /** The file's text as it is now. */
    String text() {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read rules file " + path, e);
        }
    }

    /**
     * Replaces the file's content at once (a new file beside it, moved over it), so that a reader never sees half of
     * it, and takes the new version as read.
     */
    void write(String text) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            Path next = Files.createTempFile(parent, "." + name(), ".new");
            Files.writeString(next, text);
            Files.move(next, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            markRead();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write rules file " + path, e);
        }
    }

    /** Takes the file's modification time now as that of the version read. */
    void markRead() {
        readTime = modifiedTime();
    }

    /** Whether the file's modification time differs from the one {@link #markRead} took. */
    boolean changedSinceRead() {
        return !Objects.equals(modifiedTime(), readTime);
    }

    private FileTime modifiedTime() {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
