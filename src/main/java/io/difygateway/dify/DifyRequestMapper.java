package io.difygateway.dify;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.ModelDefinition;
import io.difygateway.conversation.Conversation;
import io.difygateway.errors.OpenAiException;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.frontdoor.ChatMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Translates an OpenAI chat request into the Dify call for the model's app type: the endpoint, and a JSON body
 * with the user's message in {@code query} (chat, completion) or in an input variable (completion, workflow),
 * the app's input defaults and configured values, and any files.
 */
@Component("difyRequestMapper")
public class DifyRequestMapper {

    private static final Logger LOG = LoggerFactory.getLogger(DifyRequestMapper.class);
    /** Names that most likely hold the user's text when an app has several text inputs. */
    private static final List<String> LIKELY_QUERY_INPUTS = List.of("query", "input", "question", "message", "text", "prompt");

    private final ObjectMapper json;
    private final DifyAppCatalog catalog;

    public DifyRequestMapper(ObjectMapper json, DifyAppCatalog catalog) {
        this.json = json;
        this.catalog = catalog;
    }

    /**
     * Body of the run call, always streaming. A continued conversation gets only the new message; a new one gets
     * the earlier turns too, and the system prompt as {@code system-prompt} says. New chat conversations are not
     * auto-named (naming would cost Dify an extra LLM call per conversation).
     *
     * @param files Dify file objects for the message ({@code type}, {@code transfer_method}, ...)
     */
    public String runBody(ChatCompletionRequest request, ModelDefinition model, String user, List<Map<String, Object>> files,
                          Conversation conversation) {
        DifyAppType type = DifyAppType.of(model.dify().appType());
        DifyAppMetadata app = catalog.metadata(model);
        boolean continuing = type.isChat() && conversation.isContinuing();
        String message = continuing ? request.messages().get(request.lastUserIndex()).text()
                : DifyQueryBuilder.query(request, "query-prefix".equals(model.dify().systemPrompt()));
        String queryInput = queryInput(model, type, app);

        Map<String, Object> inputs = new LinkedHashMap<>();
        if (app.inputForm() != null) {
            app.inputForm().stream().filter(field -> field.defaultValue() != null)
                    .forEach(field -> inputs.put(field.variable(), field.defaultValue()));
        }
        inputs.putAll(model.dify().inputs());
        String instructions = model.dify().systemPromptInput() == null ? "" : DifyQueryBuilder.instructions(request);
        if (!instructions.isEmpty()) {
            inputs.put(model.dify().systemPromptInput(), instructions);
        }
        if (queryInput != null) {
            inputs.put(queryInput, fitted(model, type, app, queryInput, request, message));
        }
        fillFileInputs(model, app, inputs, files);
        requireInputs(model, type, app, inputs);

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inputs", inputs);
        if (type.isChat() || (type == DifyAppType.COMPLETION && queryInput == null)) {
            body.put("query", message);
        }
        body.put("response_mode", "streaming");
        body.put("user", user);
        if (continuing) {
            body.put("conversation_id", conversation.getContinuedId());
        }
        if (type.isChat()) {
            body.put("auto_generate_name", false);
        }
        if (!files.isEmpty()) {
            body.put("files", files);
        }
        return write(body);
    }

    /** Body of the stop call: the same user that started the task. */
    public String stopBody(String user) {
        return write(Map.of("user", user));
    }

    /**
     * The input variable that receives the message: configured, or for completion and workflow apps the
     * app's text input that is not fixed by configuration (preferring a likely name such as {@code query}).
     */
    private String queryInput(ModelDefinition model, DifyAppType type, DifyAppMetadata app) {
        if (model.dify().queryInput() != null || type.isChat()) {
            return model.dify().queryInput();
        }
        if (app.inputForm() == null) {
            if (type == DifyAppType.COMPLETION) {
                return null; // the legacy top-level query still reaches the prompt
            }
            throw new OpenAiException(502, "server_error", "upstream_app_unknown", null,
                    "Cannot tell which input variable of the workflow behind model '" + model.id() + "' takes the message: its "
                            + "GET /parameters could not be read (" + catalog.lastFailure(model).orElse("not read yet")
                            + "). Set gateway.models." + model.id() + ".query-input.");
        }
        List<DifyAppMetadata.InputField> candidates = app.inputForm().stream()
                .filter(DifyAppMetadata.InputField::isText)
                .filter(field -> !model.dify().inputs().containsKey(field.variable())).toList();
        for (String likely : LIKELY_QUERY_INPUTS) {
            for (DifyAppMetadata.InputField field : candidates) {
                if (field.variable().equalsIgnoreCase(likely)) {
                    return field.variable();
                }
            }
        }
        if (candidates.isEmpty()) {
            LOG.debug("The {} app behind model {} has no free text input: the message is not sent", type, model.id());
            return null;
        }
        return candidates.get(0).variable();
    }

    /**
     * The message as the input variable's {@code max_length} lets it (Dify refuses a longer value with a 400): a
     * transcript loses its oldest turns first; a single-turn app (completion, workflow) gets the last user message
     * alone; a message that alone is too long is a 400 input_too_long naming the input and its limit.
     */
    private static String fitted(ModelDefinition model, DifyAppType type, DifyAppMetadata app, String variable,
                                 ChatCompletionRequest request, String message) {
        Integer limit = app.inputForm() == null ? null : app.inputForm().stream().filter(field -> field.variable().equals(variable))
                .map(DifyAppMetadata.InputField::maxLength).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (limit == null || message.length() <= limit) {
            return message;
        }
        String last = request.messages().get(request.lastUserIndex()).text();
        if (type.isChat()) {
            boolean prefix = "query-prefix".equals(model.dify().systemPrompt());
            List<ChatMessage> messages = new java.util.ArrayList<>(request.messages());
            while (true) {
                int oldest = firstTurn(messages);
                if (oldest < 0 || oldest >= ChatCompletionRequest.lastUserIndex(messages)) {
                    break;
                }
                messages.remove(oldest);
                String shorter = DifyQueryBuilder.query(new ChatCompletionRequest(request.model(), messages, request.stream(),
                        request.includeUsage(), request.user(), request.raw()), prefix);
                if (shorter.length() <= limit) {
                    return shorter;
                }
            }
        }
        if (last.length() <= limit) {
            return last;
        }
        throw new OpenAiException(400, "invalid_request_error", "input_too_long", "inputs." + variable, "The message has " + last.length()
                + " characters; the Dify app behind model '" + model.id() + "' takes at most " + limit + " in its input '" + variable + "'.");
    }

    /** The index of the oldest message that is not a system message, or -1. */
    private static int firstTurn(List<ChatMessage> messages) {
        for (int i = 0; i < messages.size(); i++) {
            if (!"system".equals(messages.get(i).role()) && !"developer".equals(messages.get(i).role())) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The attachments go into the app's file inputs that configuration does not fix, in form order: a {@code file}
     * input takes the next one, a {@code file-list} input the rest (up to its limit). They also stay in {@code files}.
     */
    private static void fillFileInputs(ModelDefinition model, DifyAppMetadata app, Map<String, Object> inputs, List<Map<String, Object>> files) {
        Iterator<Map<String, Object>> next = files.iterator();
        for (DifyAppMetadata.InputField field : app.fileInputs(model.dify().inputs().keySet())) {
            if ("file".equals(field.type())) {
                if (next.hasNext()) {
                    inputs.put(field.variable(), next.next());
                }
                continue;
            }
            List<Map<String, Object>> list = new ArrayList<>();
            while (next.hasNext() && (field.maxLength() == null || list.size() < field.maxLength())) {
                list.add(next.next());
            }
            if (!list.isEmpty()) {
                inputs.put(field.variable(), list);
            }
        }
    }

    private static void requireInputs(ModelDefinition model, DifyAppType type, DifyAppMetadata app, Map<String, Object> inputs) {
        if (app.inputForm() == null) {
            return; // Dify checks them itself; its 400 reaches the client
        }
        for (DifyAppMetadata.InputField field : app.inputForm()) {
            Object value = inputs.get(field.variable());
            if (field.required() && field.isFile() && value == null && !type.isChat()) {
                throw new OpenAiException(400, "invalid_request_error", "missing_input", "inputs." + field.variable(),
                        "The Dify app behind model '" + model.id() + "' needs " + ("file".equals(field.type()) ? "a file" : "files")
                                + " for its input '" + field.variable() + "'" + (field.label() == null ? "" : " (" + field.label() + ")")
                                + ": attach " + ("file".equals(field.type()) ? "one" : "them") + " to the message.");
            }
            if (field.required() && (value == null || (value instanceof String text && text.isBlank()))
                    && !field.isFile()) {
                throw new OpenAiException(400, "invalid_request_error", "missing_input", "inputs." + field.variable(),
                        "The Dify app behind model '" + model.id() + "' needs a value for its input '" + field.variable() + "'"
                                + (field.label() == null ? "" : " (" + field.label() + ")")
                                + ". Set gateway.models." + model.id() + ".inputs." + field.variable()
                                + (model.dify().queryInput() == null ? ", or name it in gateway.models." + model.id() + ".query-input" : "")
                                + ".");
            }
        }
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a Dify request", e);
        }
    }
}
