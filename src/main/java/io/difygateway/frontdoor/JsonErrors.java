package io.difygateway.frontdoor;

import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;

/** Translates a JSON syntax error of a request body into words for the client: what is wrong and where, no parser internals. */
final class JsonErrors {

    /** Jackson's references to its own source and features, as in "(start marker at [Source: REDACTED (...)...])". */
    private static final Pattern SOURCE_REFERENCE = Pattern.compile("\\s*\\(start marker at \\[Source:.*?]\\)|\\s*at \\[Source:.*|\\s*\\[Source:.*",
            Pattern.DOTALL);
    /** Hints that name a parser feature, as in ": enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow". */
    private static final Pattern FEATURE_HINT = Pattern.compile(
            "[:;,]?\\s*(?:enable|disable)?\\s*\\(?`?[A-Za-z]+(?:\\.[A-Za-z]+)*Feature\\.[A-Z_]+`?\\s*(?:to allow|disabled|enabled)?\\)?");

    private JsonErrors() {
    }

    /** "We could not parse the JSON body of your request: ... (line L, column C)." */
    static String describe(JsonProcessingException e) {
        String what;
        if (e instanceof JsonEOFException) {
            what = "it ends too early (truncated, or a bracket or quote is not closed)";
        } else {
            String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            what = FEATURE_HINT.matcher(SOURCE_REFERENCE.matcher(original).replaceAll("")).replaceAll("").strip();
            if (what.endsWith(":")) {
                what = what.substring(0, what.length() - 1);
            }
            if (what.isEmpty()) {
                what = "it is not valid JSON";
            }
        }
        JsonLocation location = e.getLocation();
        String where = location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        return "We could not parse the JSON body of your request: " + what + where + ".";
    }
}
