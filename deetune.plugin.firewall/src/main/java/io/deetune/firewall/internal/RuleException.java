package io.deetune.firewall.internal;

import java.util.List;

/**
 * A rule set that cannot be applied; every problem names where (file and line, or command) and which field.
 * Nothing of a rule set that raised this is applied.
 */
public final class RuleException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public RuleException(List<String> problems) {
        super(problems.size() == 1 ? problems.getFirst()
                : problems.size() + " problems, nothing applied:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public RuleException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
