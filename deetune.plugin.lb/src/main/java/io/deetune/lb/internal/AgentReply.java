package io.deetune.lb.internal;

import java.util.Locale;

/**
 * One line of a backend's agent, in HAProxy's {@code agent-check} convention, so agents written for HAProxy work
 * unchanged: words separated by blanks or commas, each a share of the configured weight ({@code 75%}) or a state
 * ({@code ready}/{@code up}: takes flows, {@code drain}: no new flows, {@code maint}/{@code down}/{@code stopped}/
 * {@code fail}: no new flows, and a slow start when it comes back). Words that HAProxy knows but that say nothing here
 * ({@code maxconn:N}) are ignored; any other word makes the whole line unusable.
 *
 * @param percent share of the configured weight, or null when the line names none (the previous one stays)
 * @param state   the state the line names, or null when it names none (the previous one stays)
 */
record AgentReply(Integer percent, State state) {

    /** What an agent may say about taking new flows. */
    enum State {
        READY, DRAIN, DOWN
    }

    /** HAProxy accepts shares up to 256 % of the configured weight. */
    static final int MAX_PERCENT = 256;
    /** An agent's line is short; a longer one is not an agent's. */
    static final int MAX_LINE = 200;

    /** The reply a line means; an {@link IllegalArgumentException} says what in it is not in the protocol. */
    static AgentReply parse(String line) {
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("empty answer");
        }
        Integer percent = null;
        State state = null;
        for (String word : line.trim().toLowerCase(Locale.ROOT).split("[\\s,]+")) {
            if (word.endsWith("%")) {
                percent = percent(word);
            } else if (word.startsWith("maxconn:")) {
                continue; // a connection limit: the kernel keeps none per backend
            } else {
                state = switch (word) {
                    case "ready", "up" -> State.READY;
                    case "drain" -> State.DRAIN;
                    case "maint", "down", "stopped", "fail" -> State.DOWN;
                    default -> throw new IllegalArgumentException("'" + printable(word) + "' is neither a share (75%) nor a state"
                            + " (ready, up, drain, maint, down)");
                };
            }
        }
        return new AgentReply(percent, state);
    }

    private static int percent(String word) {
        String digits = word.substring(0, word.length() - 1);
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + printable(word) + "' is not a share (0% to " + MAX_PERCENT + "%)");
        }
        int percent = Integer.parseInt(digits);
        if (percent > MAX_PERCENT) {
            throw new IllegalArgumentException("share " + percent + "% is above " + MAX_PERCENT + "%");
        }
        return percent;
    }

    /** An agent's words go into the log: anything but printable ASCII is shown as '?'. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LINE));
        for (int i = 0; i < text.length() && i < MAX_LINE; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    /** As {@code lb:service-list} and the API show it, e.g. {@code 75% ready}. */
    String text() {
        String share = percent == null ? "" : percent + "%";
        String word = state == null ? "" : state.name().toLowerCase(Locale.ROOT);
        return (share + " " + word).trim();
    }
}
