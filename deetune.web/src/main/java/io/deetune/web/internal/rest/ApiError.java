package io.deetune.web.internal.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every error answer of the API: what went wrong ({@code error}), where in the request ({@code field}: a
 * path into the JSON body or a query parameter, null when the request as a whole is at fault) and why
 * ({@code detail}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String field, String detail) {}
