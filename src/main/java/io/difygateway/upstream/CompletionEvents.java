package io.difygateway.upstream;

import java.util.ArrayList;
import java.util.List;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import io.difygateway.completion.CompletionEvent;
import io.difygateway.errors.OpenAiException;
import org.springframework.stereotype.Component;

/**
 * Makes an {@link EventMapper} for a JSON backend without Java: JSONPath expressions pick each event's text, token
 * counts and error, and the picked values become completion events.
 */
@Component("completionEvents")
public class CompletionEvents {

    private static final Configuration LENIENT = Configuration.defaultConfiguration().addOptions(Option.SUPPRESS_EXCEPTIONS);

    /**
     * The mapper for JSON events whose parts these JSONPath expressions pick (any of them may be null or blank): a
     * failure when the error path finds something, else the text and the token counts. The expressions are compiled
     * here, once; each event is parsed once; an event that is not JSON means nothing.
     *
     * @throws IllegalArgumentException when an expression is not valid JSONPath, naming it
     */
    public EventMapper jsonPaths(String textPath, String promptTokensPath, String completionTokensPath, String errorPath) {
        JsonPath text = compile("eventTextPath", textPath);
        JsonPath promptTokens = compile("eventPromptTokensPath", promptTokensPath);
        JsonPath completionTokens = compile("eventCompletionTokensPath", completionTokensPath);
        JsonPath error = compile("eventErrorPath", errorPath);
        return event -> {
            String json = event.data();
            if (json == null || json.isBlank()) {
                return List.of();
            }
            DocumentContext parsed;
            try {
                parsed = JsonPath.using(LENIENT).parse(json);
            } catch (RuntimeException notJson) {
                return List.of();
            }
            return of(read(parsed, text, String.class), read(parsed, promptTokens, Long.class),
                    read(parsed, completionTokens, Long.class), read(parsed, error, String.class));
        };
    }

    private static JsonPath compile(String name, String path) {
        if (path == null || path.isBlank()) {
            return null;
        }
        try {
            return JsonPath.compile(path);
        } catch (RuntimeException invalid) {
            throw new IllegalArgumentException("The variable " + name + " is not a valid JSONPath expression: " + path, invalid);
        }
    }

    private static <T> T read(DocumentContext event, JsonPath path, Class<T> type) {
        if (path == null) {
            return null;
        }
        try {
            return event.read(path, type);
        } catch (RuntimeException notThere) {
            return null;
        }
    }

    /** The events for one backend event: a failure when it reports an error, else its text (if any) and its usage. */
    private static List<CompletionEvent> of(String text, Long promptTokens, Long completionTokens, String error) {
        if (error != null && !error.isBlank()) {
            return List.of(new CompletionEvent.Failure(new OpenAiException(502, "server_error", "upstream_error", null,
                    "The backend failed: " + error, OpenAiException.NO_RETRY)));
        }
        List<CompletionEvent> events = new ArrayList<>(2);
        if (text != null && !text.isEmpty()) {
            events.add(new CompletionEvent.Text(text));
        }
        if (promptTokens != null || completionTokens != null) {
            events.add(new CompletionEvent.Usage(promptTokens == null ? 0 : promptTokens, completionTokens == null ? 0 : completionTokens));
        }
        return events;
    }
}
