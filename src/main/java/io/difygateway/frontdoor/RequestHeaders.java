package io.difygateway.frontdoor;

import java.util.List;
import java.util.Map;

/** Reads a request header from Camel's message headers, whatever its case and whether it repeats. */
public final class RequestHeaders {

    private RequestHeaders() {
    }

    /** The first value of a header, or null. */
    public static String first(Map<String, Object> headers, String name) {
        if (headers == null || name == null || name.isBlank()) {
            return null;
        }
        Object value = headers.get(name);
        if (value == null) {
            for (Map.Entry<String, Object> entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name)) {
                    value = entry.getValue();
                    break;
                }
            }
        }
        if (value instanceof List<?> list) {
            value = list.isEmpty() ? null : list.get(0);
        }
        return value == null ? null : value.toString();
    }
}
