package io.deetune.web.internal.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.ws.rs.core.EntityTag;
import javax.ws.rs.core.HttpHeaders;

/**
 * Entity tags of configuration resources, for optimistic concurrency: a GET answers with the tag of what it shows; a
 * write that sends {@code If-Match} with an older tag is refused with 412, so two admins cannot overwrite each
 * other's change unknowingly. The tag is a digest of the resource's JSON, so it changes exactly when the resource does,
 * whichever surface (console, cfg file, REST) changed it.
 */
public final class Etags {

    private Etags() {}

    public static EntityTag of(Object resource) {
        try {
            byte[] json = JsonProvider.MAPPER.writeValueAsBytes(resource);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
            return new EntityTag(HexFormat.of().formatHex(digest, 0, 12));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot compute the entity tag", e);
        }
    }

    /** Refuses the write with 412 when the request's {@code If-Match} names another version than {@code current}. */
    public static void checkIfMatch(HttpHeaders headers, Object current) {
        String ifMatch = headers.getHeaderString(HttpHeaders.IF_MATCH);
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return;
        }
        String tag = of(current).getValue();
        for (String candidate : ifMatch.split(",")) {
            String value = candidate.trim();
            if (value.startsWith("W/")) {
                value = value.substring(2);
            }
            if (value.equals("\"" + tag + "\"")) {
                return;
            }
        }
        throw new ApiException(412, "precondition failed", null,
                "the resource changed since you read it (its entity tag is now \"" + tag + "\"): read it again, then retry");
    }

}
