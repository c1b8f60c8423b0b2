package io.deetune.web.internal.rest;

import javax.ws.rs.core.Response;

/** A refused request: the status and the {@link ApiError} it is answered with. Nothing of it was applied. */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** 422: the request is well-formed, but a value in it is refused. */
    public static final int UNPROCESSABLE = 422;

    private final int status;
    private final ApiError body;

    public ApiException(int status, String error, String field, String detail) {
        super(error + (field == null ? "" : " (" + field + ")") + (detail == null ? "" : ": " + detail));
        this.status = status;
        this.body = new ApiError(error, field, detail);
    }

    public static ApiException notFound(String what) {
        return new ApiException(Response.Status.NOT_FOUND.getStatusCode(), "not found", null, what);
    }

    public static ApiException conflict(String field, String detail) {
        return new ApiException(Response.Status.CONFLICT.getStatusCode(), "conflict", field, detail);
    }

    public static ApiException invalid(String field, String detail) {
        return new ApiException(UNPROCESSABLE, "invalid value", field, detail);
    }

    public static ApiException badRequest(String field, String detail) {
        return new ApiException(Response.Status.BAD_REQUEST.getStatusCode(), "bad request", field, detail);
    }

    public int status() {
        return status;
    }

    public ApiError body() {
        return body;
    }
}
