package io.deetune.lb;

import io.deetune.core.api.ConfigText;

/**
 * Rejected load balancer input. {@link #field()} names what was wrong (e.g. {@code backends[2].port}); the
 * running configuration is left exactly as it was.
 */
public class LbConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;
    private final String field;

    /** Control characters of the input that {@code field} or {@code message} quote are escaped (they reach log lines). */
    public LbConfigException(String field, String message) {
        super(ConfigText.escape(field) + ": " + ConfigText.escape(message));
        this.field = ConfigText.escape(field);
    }

    /** The field that was rejected. */
    public String field() {
        return field;
    }

    /** The same error, seen from an enclosing object (e.g. prefix {@code service 'web'}). */
    public LbConfigException within(String prefix) {
        LbConfigException wrapped = new LbConfigException(prefix + "." + field, getMessage().substring(field.length() + 2));
        wrapped.initCause(this);
        return wrapped;
    }
}
