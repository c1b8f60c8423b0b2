package io.deetune.core.api;

/**
 * Checks for configuration strings (names, paths, interface names, rule text ...) that end up in a {@code .cfg} file,
 * an HTTP request or a log line: a line break or other control character there would add a line to the file, a
 * header to the request or a forged line to the log. Such strings are refused where the configuration is parsed, and
 * messages quote a refused value with {@link #escape}.
 */
public final class ConfigText {

    private ConfigText() {
    }

    /** True for C0 controls (line feed, carriage return, tab, NUL, escape ...), DEL and C1 controls. */
    public static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /**
     * What is wrong with {@code value}, e.g. {@code "'a\nb' has a control character (U+000A) at position 2"}; null if
     * it has no control character (or is null).
     */
    public static String controlCharacterProblem(String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            if (isControl(value.charAt(i))) {
                return "'" + escape(value) + "' has a control character (U+" + String.format("%04X", (int) value.charAt(i))
                        + ") at position " + (i + 1);
            }
        }
        return null;
    }

    /**
     * Returns {@code value} if it has no control character.
     *
     * @throws IllegalArgumentException naming {@code field} and the character
     */
    public static String requirePrintable(String field, String value) {
        String problem = controlCharacterProblem(value);
        if (problem != null) {
            throw new IllegalArgumentException(field + ": " + problem);
        }
        return value;
    }

    /** {@code value} with every control character written as an escape ({@code \n}, {@code \r}, {@code \t}, {@code \u001B}). */
    public static String escape(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (isControl(c)) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
