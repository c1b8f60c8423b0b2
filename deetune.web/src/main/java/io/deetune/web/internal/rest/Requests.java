package io.deetune.web.internal.rest;

import javax.servlet.http.HttpServletRequest;

/** What the resources need of a request beyond its body. */
final class Requests {

    private Requests() {}

    /** The Karaf user that DeeTune's servlet context authenticated. */
    static String user(HttpServletRequest request) {
        return request == null ? null : request.getRemoteUser();
    }

    /** The body, refused with 400 when the request had none. */
    static <T> T body(T body) {
        if (body == null) {
            throw ApiException.badRequest(null, "the request has no JSON body");
        }
        return body;
    }

    /** A paging bound: {@code value} if it is within [min, max], else 400 naming the parameter. */
    static int bounded(String parameter, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw ApiException.badRequest(parameter, v + " is outside " + min + ".." + max);
        }
        return v;
    }
}
