package io.difygateway.upstream;

import java.util.ArrayList;
import java.util.List;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import io.difygateway.openai.CompletionEvent;
import io.difygateway.openai.OpenAiException;
import io.difygateway.sse.SseEvent;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.springframework.stereotype.Component;

/**
 * Makes {@link CompletionEvent}s from a backend's events without Java: from a JSON event and JSONPath expressions
 * ({@code fromJson}), or from plain values a route computed itself ({@code of}).
 */
@Component("completionEvents")
public class CompletionEvents {

    private static final Configuration LENIENT = Configuration.defaultConfiguration().addOptions(Option.SUPPRESS_EXCEPTIONS);

    /**
     * The events for one JSON backend event, picked by JSONPath expressions (any of them may be null): a failure when
     * the error path finds something, else the text and the token counts. The event is parsed once.
     */
    public List<CompletionEvent> fromJson(String json, String textPath, String promptTokensPath, String completionTokensPath,
                                         String errorPath) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        DocumentContext event;
        try {
            event = JsonPath.using(LENIENT).parse(json);
        } catch (RuntimeException notJson) {
            return List.of();
        }
        return of(read(event, textPath, String.class), read(event, promptTokensPath, Long.class),
                read(event, completionTokensPath, Long.class), read(event, errorPath, String.class));
    }

    /**
     * {@link #fromJson} for a bean step of a streaming split: the event is the body, the JSONPath expressions are the
     * flat variables {@code eventTextPath}, {@code eventPromptTokensPath}, {@code eventCompletionTokensPath} and
     * {@code eventErrorPath}, which the backend route sets once per request.
     */
    public List<CompletionEvent> fromEvent(@Body SseEvent event, @Variable("eventTextPath") String textPath,
                                          @Variable("eventPromptTokensPath") String promptTokensPath,
                                          @Variable("eventCompletionTokensPath") String completionTokensPath,
                                          @Variable("eventErrorPath") String errorPath) {
        return fromJson(event == null ? null : event.data(), textPath, promptTokensPath, completionTokensPath, errorPath);
    }

    private static <T> T read(DocumentContext event, String path, Class<T> type) {
        if (path == null || path.isBlank()) {
            return null;
        }
        try {
            return event.read(path, type);
        } catch (RuntimeException notThere) {
            return null;
        }
    }

    /**
     * The events for one backend event: a failure when it reports an error, else its text (if any) and usage when
     * token counts are given.
     */
    public List<CompletionEvent> of(String text, Long promptTokens, Long completionTokens, String error) {
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
