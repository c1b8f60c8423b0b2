package io.deetune.lb;

import io.deetune.core.api.InvalidInputException;

/**
 * Rejected load balancer input. {@link #field()} names what was wrong (e.g. {@code backends[2].port}); the
 * running configuration is left exactly as it was.
 */
public class LbConfigException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    /** Control characters of the input that {@code field} or {@code message} quote are escaped (they reach log lines). */
    public LbConfigException(String field, String message) {
        super(field, message);
    }

    /** The same error, seen from an enclosing object (e.g. prefix {@code service 'web'}). */
    public LbConfigException within(String prefix) {
        LbConfigException wrapped = new LbConfigException(prefix + "." + field(), reason());
        wrapped.initCause(this);
        return wrapped;
    }
}
