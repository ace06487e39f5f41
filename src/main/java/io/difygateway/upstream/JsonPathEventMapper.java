package io.difygateway.upstream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import io.difygateway.completion.CompletionEvent;
import io.difygateway.errors.OpenAiException;
import io.difygateway.sse.SseEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Translates a JSON backend's events (SSE data or NDJSON lines) into completion events with JSONPath expressions,
 * so that a backend needs no Java: the {@code json-event-mapper-action} Kamelet declares one per backend route, its
 * parameters set as these properties, and runs it as a step that puts it in the variable {@code eventMapper} (each expression compiled once, when the route is made; an invalid one stops the
 * start naming its parameter). Each event is parsed once; one that is not JSON means nothing. An event whose error path
 * finds something becomes a failure; otherwise its reasoning, text, tool-call pieces, finish reason (through the value
 * map) and token counts, in that order. Token counts are {@link CompletionEvent.TokenCounts}: a count an event leaves out stays unknown
 * and does not replace one reported earlier.
 */
public class JsonPathEventMapper implements EventMapper, Processor {

    /** The finish reasons an OpenAI client understands; any other value not in the map becomes {@code stop}. */
    private static final Set<String> OPENAI_FINISH_REASONS = Set.of("stop", "length", "tool_calls", "content_filter", "function_call");
    private static final Configuration LENIENT = Configuration.defaultConfiguration().addOptions(Option.SUPPRESS_EXCEPTIONS);
    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile JsonPath text;
    private volatile JsonPath reasoning;
    private volatile JsonPath finishReason;
    private volatile Map<String, String> finishReasons = Map.of();
    private volatile JsonPath promptTokens;
    private volatile JsonPath completionTokens;
    private volatile JsonPath error;
    private volatile JsonPath errorCode;
    private volatile JsonPath toolCalls;
    private volatile JsonPath toolCallKey;
    private volatile JsonPath toolCallId;
    private volatile JsonPath toolCallName;
    private volatile JsonPath toolCallArguments;

    /** The answer's text, e.g. {@code $.delta.text}. */
    public void setTextPath(String path) {
        text = compile("textPath", path);
    }

    /** The model's reasoning (thinking), shown apart from the answer, e.g. {@code $.delta.thinking}. */
    public void setReasoningPath(String path) {
        reasoning = compile("reasoningPath", path);
    }

    /** Why the answer ended, as the backend says it, e.g. {@code $.delta.stop_reason}. */
    public void setFinishReasonPath(String path) {
        finishReason = compile("finishReasonPath", path);
    }

    /**
     * The backend's finish reasons as OpenAI's: {@code "end_turn: stop, max_tokens: length"}. A value the map does not
     * name passes as it is when OpenAI knows it, else becomes {@code stop}.
     */
    public void setFinishReasons(String valueMap) {
        Map<String, String> map = new LinkedHashMap<>();
        if (valueMap != null && !valueMap.isBlank()) {
            for (String pair : valueMap.split(",")) {
                String[] parts = pair.split(":", 2);
                String to = parts.length == 2 ? parts[1].trim() : "";
                if (parts[0].isBlank() || !OPENAI_FINISH_REASONS.contains(to)) {
                    throw new IllegalArgumentException("The parameter finishReasons is not a list of 'backend-reason: openai-reason' pairs"
                            + " with an OpenAI reason (" + String.join(", ", OPENAI_FINISH_REASONS.stream().sorted().toList()) + "): '"
                            + pair.trim() + "' in " + valueMap);
                }
                map.put(parts[0].trim(), to);
            }
        }
        finishReasons = Map.copyOf(map);
    }

    /** The prompt's token count, e.g. {@code $.message.usage.input_tokens}. */
    public void setPromptTokensPath(String path) {
        promptTokens = compile("promptTokensPath", path);
    }

    /** The answer's token count, e.g. {@code $.usage.output_tokens}. */
    public void setCompletionTokensPath(String path) {
        completionTokens = compile("completionTokensPath", path);
    }

    /** An error's message: when it finds one, the event is a failure, e.g. {@code $.error.message}. */
    public void setErrorPath(String path) {
        error = compile("errorPath", path);
    }

    /** An error's code or type, given to the client as the error's code, e.g. {@code $.error.type}. */
    public void setErrorCodePath(String path) {
        errorCode = compile("errorCodePath", path);
    }

    /** → eventMapper: this mapper, for the streaming tail. */
    @Override
    public void process(Exchange exchange) {
        exchange.setVariable(BackendSteps.EVENT_MAPPER, this);
    }

    /** Where an event carries its tool calls (an array, or one object), e.g. {@code $.message.tool_calls}; unset: the event itself is the one candidate. */
    public void setToolCallsPath(String path) {
        toolCalls = compile("toolCallsPath", path);
    }

    /** In a tool call: what names it across events (an index), e.g. {@code $.index}; unset: a call with a name starts a new one. */
    public void setToolCallKeyPath(String path) {
        toolCallKey = compile("toolCallKeyPath", path);
    }

    /** In a tool call: its id, e.g. {@code $.content_block.id} (none: the gateway makes one up). */
    public void setToolCallIdPath(String path) {
        toolCallId = compile("toolCallIdPath", path);
    }

    /** In a tool call: the function's name, e.g. {@code $.function.name}. */
    public void setToolCallNamePath(String path) {
        toolCallName = compile("toolCallNamePath", path);
    }

    /** In a tool call: its arguments, a piece of JSON text ({@code $.delta.partial_json}) or an object, sent as its JSON text. */
    public void setToolCallArgumentsPath(String path) {
        toolCallArguments = compile("toolCallArgumentsPath", path);
    }

    @Override
    public List<CompletionEvent> map(SseEvent event) {
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
        String message = text(parsed, error);
        if (message != null && !message.isBlank()) {
            String code = text(parsed, errorCode);
            return List.of(new CompletionEvent.Failure(new OpenAiException(502, "server_error",
                    code == null || code.isBlank() ? "upstream_error" : code, null, "The backend failed: " + message, OpenAiException.NO_RETRY)));
        }
        List<CompletionEvent> events = new ArrayList<>(2);
        String thought = text(parsed, reasoning);
        if (thought != null && !thought.isEmpty()) {
            events.add(new CompletionEvent.Reasoning(thought));
        }
        String answer = text(parsed, text);
        if (answer != null && !answer.isEmpty()) {
            events.add(new CompletionEvent.Text(answer));
        }
        if (toolCallName != null || toolCallId != null || toolCallArguments != null) {
            addToolCalls(parsed, events);
        }
        String finish = text(parsed, finishReason);
        if (finish != null && !finish.isBlank()) {
            String mapped = finishReasons.get(finish);
            events.add(new CompletionEvent.Finish(mapped != null ? mapped : OPENAI_FINISH_REASONS.contains(finish) ? finish : "stop"));
        }
        Long prompt = count(parsed, promptTokens);
        Long completion = count(parsed, completionTokens);
        if (prompt != null || completion != null) {
            events.add(new CompletionEvent.TokenCounts(prompt, completion));
        }
        return events;
    }

    /** The event's tool-call pieces: each candidate where the id, name or arguments path finds something. */
    private void addToolCalls(DocumentContext event, List<CompletionEvent> events) {
        List<DocumentContext> candidates = new ArrayList<>(1);
        if (toolCalls == null) {
            candidates.add(event);
        } else {
            Object found = readRaw(event, toolCalls);
            if (found instanceof List<?> list) {
                list.stream().filter(Map.class::isInstance).forEach(call -> candidates.add(JsonPath.using(LENIENT).parse(call)));
            } else if (found instanceof Map<?, ?>) {
                candidates.add(JsonPath.using(LENIENT).parse(found));
            }
        }
        for (DocumentContext call : candidates) {
            String id = text(call, toolCallId);
            String name = text(call, toolCallName);
            Object arguments = readRaw(call, toolCallArguments);
            if (id == null && name == null && arguments == null) {
                continue;
            }
            events.add(new CompletionEvent.ToolCall(text(call, toolCallKey), id, name, argumentsText(arguments)));
        }
    }

    private static String argumentsText(Object arguments) {
        if (arguments == null) {
            return "";
        }
        if (arguments instanceof Map<?, ?> || arguments instanceof List<?>) {
            try {
                return JSON.writeValueAsString(arguments);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write tool-call arguments as JSON", e);
            }
        }
        return String.valueOf(arguments);
    }

    private static JsonPath compile(String parameter, String path) {
        if (path == null || path.isBlank()) {
            return null;
        }
        try {
            return JsonPath.compile(path.trim());
        } catch (RuntimeException invalid) {
            throw new IllegalArgumentException("The parameter " + parameter + " is not a valid JSONPath expression: " + path, invalid);
        }
    }

    /** The value at the path as text (the last one a deep scan finds), or null. */
    private static String text(DocumentContext event, JsonPath path) {
        Object value = read(event, path);
        return value == null ? null : String.valueOf(value);
    }

    /** The value at the path as a whole number (the last one a deep scan finds), or null when there is none. */
    private static Long count(DocumentContext event, JsonPath path) {
        Object value = read(event, path);
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof String digits && !digits.isBlank()) {
            try {
                return Long.parseLong(digits.trim());
            } catch (NumberFormatException notACount) {
                return null;
            }
        }
        return null;
    }

    /** The value at the path as it is (an object, an array, a value), or null. */
    private static Object readRaw(DocumentContext event, JsonPath path) {
        if (path == null) {
            return null;
        }
        try {
            return event.read(path);
        } catch (RuntimeException notThere) {
            return null;
        }
    }

    private static Object read(DocumentContext event, JsonPath path) {
        Object value = readRaw(event, path);
        if (value instanceof List<?> found) {
            for (int i = found.size() - 1; i >= 0; i--) {
                if (found.get(i) != null) {
                    return found.get(i);
                }
            }
            return null;
        }
        return value instanceof Map<?, ?> ? null : value;
    }
}
