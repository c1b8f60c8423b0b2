package io.deetune.web.internal.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.deetune.core.api.ConfigText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of the API's writes: who changed what, and the state before and after, one line per change on the
 * logger {@value #LOGGER} (in Karaf, {@code data/log/karaf.log}; etc/org.ops4j.pax.logging.cfg can route it to a file
 * of its own). Only applied changes are written; a refused or dry-run request changes nothing and is not audited.
 */
public final class Audit {

    /** The logger name of the audit lines. */
    public static final String LOGGER = "io.deetune.audit";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private Audit() {}

    /**
     * Writes one audit line: {@code user} did {@code action} (e.g. {@code PUT /lb/services/web}) on {@code subject},
     * which was {@code before} (null: did not exist) and is now {@code after} (null: removed).
     */
    public static void record(String user, String action, Object before, Object after) {
        LOG.info("user={} action=\"{}\" before={} after={}", ConfigText.escape(String.valueOf(user)),
                ConfigText.escape(action), json(before), json(after));
    }

    private static String json(Object value) {
        if (value == null) {
            return "null";
        }
        try {
            return JsonProvider.compact(value);
        } catch (JsonProcessingException e) {
            return "\"" + ConfigText.escape(String.valueOf(value)) + "\"";
        }
    }
}
