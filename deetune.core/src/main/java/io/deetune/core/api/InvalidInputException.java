package io.deetune.core.api;

/**
 * A value a user gave (in a configuration, a command, a REST body) is refused; {@link #field()} names where it is
 * ({@code interfaces[1]}, {@code hook}), so every surface can point at it. Nothing of the input was applied.
 *
 * @since 1.2
 */
public class InvalidInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    /** Control characters that {@code field} or {@code message} quote from the input are escaped (they reach logs). */
    public InvalidInputException(String field, String message) {
        super(ConfigText.escape(field) + ": " + ConfigText.escape(message));
        this.field = ConfigText.escape(field);
    }

    /** Where the refused value is, as a path into the input ({@code name}, {@code interfaces[0]}). */
    public String field() {
        return field;
    }

    /** The reason alone, without the field. */
    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
