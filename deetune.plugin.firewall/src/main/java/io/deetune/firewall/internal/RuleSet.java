package io.deetune.firewall.internal;

import io.deetune.firewall.Action;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An ordered, validated rule set and its default policy. The order is the rank: rules with a priority first (lower
 * first), then rules without one in the order given; the first rule in this order that matches a packet decides.
 *
 * <p>Two rules with the same priority are ambiguous when some packet matches both and they disagree on the action;
 * such a rule set is refused. (Equal priorities that agree are ordered as given.)
 */
public record RuleSet(List<Rule> rules, Action defaultPolicy) {

    public static final RuleSet EMPTY = new RuleSet(List.of(), Action.ALLOW);

    public RuleSet {
        rules = List.copyOf(rules);
    }

    /** Orders and checks {@code rules} (given in file/command order). */
    public static RuleSet of(List<Rule> rules, Action defaultPolicy) {
        List<Rule> ordered = new ArrayList<>(rules);
        // A stable sort keeps the given order among equal keys.
        ordered.sort(Comparator.comparingLong(r -> r.priority() == null ? Long.MAX_VALUE : r.priority()));
        List<String> problems = new ArrayList<>();
        int start = 0;
        while (start < ordered.size()) {
            Integer priority = ordered.get(start).priority();
            int end = start + 1;
            while (end < ordered.size() && priority != null && priority.equals(ordered.get(end).priority())) {
                end++;
            }
            // Only rules that disagree can be ambiguous: compare the group's allows with its denies (by position).
            List<Integer> allows = new ArrayList<>();
            List<Integer> denies = new ArrayList<>();
            for (int i = start; i < end; i++) {
                (ordered.get(i).action() == Action.ALLOW ? allows : denies).add(i);
            }
            for (int a : allows) {
                for (int d : denies) {
                    if (ordered.get(a).overlaps(ordered.get(d))) {
                        Rule first = ordered.get(Math.min(a, d));
                        Rule second = ordered.get(Math.max(a, d));
                        problems.add(second.origin() + ": priority: priority " + priority + " is also the priority of "
                                + first.origin() + " (" + first.toSyntax() + "); both can match the same packets with"
                                + " different actions, so the order is ambiguous: give them different priorities");
                    }
                }
            }
            start = end;
        }
        if (!problems.isEmpty()) {
            throw new RuleException(problems);
        }
        return new RuleSet(ordered, defaultPolicy);
    }
}
