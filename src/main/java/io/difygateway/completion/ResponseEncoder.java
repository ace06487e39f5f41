package io.difygateway.completion;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.errors.OpenAiException;

/**
 * One completion's parts → the Responses API's wire format: {@code response.*} Server-Sent Events, each with its
 * {@code sequence_number} ({@code response.created}, {@code response.in_progress}, for each output item its
 * {@code added} event, its deltas and its {@code done} events, then {@code response.completed},
 * {@code response.incomplete} or {@code response.failed} carrying the whole response), and the {@code response} object
 * of a non-streamed answer. Reasoning becomes a {@code reasoning} item with summary text, the answer a {@code message}
 * item with one {@code output_text} part, each tool call a {@code function_call} item. Keeps the open items' state;
 * the caller ({@link ChatCompletion}) serialises the calls. {@link #response()} is the final object, for storing.
 */
public final class ResponseEncoder implements CompletionFormat {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectMapper json;
    private final ObjectNode response;
    private final String itemPrefix;
    private int sequence;
    private final ArrayNode output;
    /** The item deltas go to: a message or a reasoning item, or null. */
    private ObjectNode openItem;
    private int openIndex;
    private final StringBuilder openText = new StringBuilder();
    private final List<ObjectNode> openCalls = new ArrayList<>();
    private final List<Integer> openCallIndexes = new ArrayList<>();

    /**
     * @param shell the response object as the request shapes it (id, created_at, model, instructions, tools, tool_choice,
     *              temperature, top_p, parallel_tool_calls, metadata, store, previous_response_id, ...); this encoder
     *              sets its status, output, usage, error and incomplete_details
     */
    public ResponseEncoder(ObjectNode shell, ObjectMapper json) {
        this.json = json;
        this.response = shell;
        this.itemPrefix = shell.path("id").asText("resp_").replaceFirst("^resp_", "");
        this.output = response.putArray("output");
        response.put("status", "in_progress");
        response.putNull("error");
        response.putNull("incomplete_details");
    }

    /** The response object as it stands: the final one once finished. */
    public ObjectNode response() {
        return response;
    }

    @Override
    public void start(Consumer<byte[]> sink) {
        event("response.created", NODES.objectNode().set("response", response.deepCopy()), sink);
        event("response.in_progress", NODES.objectNode().set("response", response.deepCopy()), sink);
    }

    @Override
    public void text(String field, String text, Consumer<byte[]> sink) {
        boolean reasoning = !"content".equals(field);
        String type = reasoning ? "reasoning" : "message";
        if (openItem == null || !type.equals(openItem.path("type").asText())) {
            closeItems(sink);
            openItem(reasoning, sink);
        }
        openText.append(text);
        ObjectNode delta = NODES.objectNode().put("item_id", openItem.path("id").asText()).put("output_index", openIndex);
        if (reasoning) {
            event("response.reasoning_summary_text.delta", delta.put("summary_index", 0).put("delta", text), sink);
        } else {
            delta.put("content_index", 0).put("delta", text).putArray("logprobs");
            event("response.output_text.delta", delta, sink);
        }
    }

    @Override
    public void toolCall(int index, String id, String name, String arguments, Consumer<byte[]> sink) {
        if (openItem != null) {
            closeOpenItem(sink);
        }
        int position = openCallIndexes.indexOf(index);
        ObjectNode call;
        if (position < 0) {
            call = NODES.objectNode().put("id", "fc_" + itemPrefix + "_" + index).put("type", "function_call").put("status", "in_progress")
                    .put("call_id", id).put("name", name).put("arguments", "");
            output.add(call);
            openCalls.add(call);
            openCallIndexes.add(index);
            event("response.output_item.added", NODES.objectNode().put("output_index", output.size() - 1).set("item", call.deepCopy()), sink);
        } else {
            call = openCalls.get(position);
        }
        if (!arguments.isEmpty()) {
            call.put("arguments", call.path("arguments").asText() + arguments);
            event("response.function_call_arguments.delta", NODES.objectNode().put("item_id", call.path("id").asText())
                    .put("output_index", outputIndexOf(call)).put("delta", arguments), sink);
        }
    }

    @Override
    public void finish(String finishReason, CompletionEvent.Usage usage, Consumer<byte[]> sink) {
        closeItems(sink);
        complete(finishReason, usage);
        String type = "completed".equals(response.path("status").asText()) ? "response.completed" : "response.incomplete";
        event(type, NODES.objectNode().set("response", response.deepCopy()), sink);
    }

    @Override
    public void error(OpenAiException error, Consumer<byte[]> sink) {
        fail(error);
        event("response.failed", NODES.objectNode().set("response", response.deepCopy()), sink);
    }

    @Override
    public String body(String content, String reasoningContent, List<ToolCallBody> toolCalls, String finishReason, CompletionEvent.Usage usage) {
        if (reasoningContent != null && !reasoningContent.isEmpty()) {
            ObjectNode item = output.addObject().put("id", "rs_" + itemPrefix + "_" + output.size()).put("type", "reasoning");
            item.putArray("summary").addObject().put("type", "summary_text").put("text", reasoningContent);
        }
        if (!content.isEmpty()) {
            ObjectNode item = output.addObject().put("id", "msg_" + itemPrefix + "_" + output.size()).put("type", "message")
                    .put("status", "completed").put("role", "assistant");
            item.putArray("content").add(outputText(content));
        }
        for (int i = 0; i < toolCalls.size(); i++) {
            ToolCallBody call = toolCalls.get(i);
            output.addObject().put("id", "fc_" + itemPrefix + "_" + i).put("type", "function_call").put("status", "completed")
                    .put("call_id", call.id()).put("name", call.name()).put("arguments", call.arguments());
        }
        complete(finishReason, usage);
        return write(response);
    }

    /**
     * The response as failed with this error. Its code is one of the Responses API's few ({@code rate_limit_exceeded},
     * {@code invalid_prompt}, {@code server_error}); the message keeps the backend's own.
     */
    private void fail(OpenAiException error) {
        response.put("status", "failed");
        String code = switch (error.status()) {
            case 429 -> "rate_limit_exceeded";
            case 400 -> "invalid_prompt";
            default -> "server_error";
        };
        response.putObject("error").put("code", code).put("message", error.getMessage());
    }

    private void complete(String finishReason, CompletionEvent.Usage usage) {
        String incomplete = switch (finishReason) {
            case "length" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
        response.put("status", incomplete == null ? "completed" : "incomplete");
        if (incomplete != null) {
            response.putObject("incomplete_details").put("reason", incomplete);
        }
        if (usage != null) {
            ObjectNode body = response.putObject("usage").put("input_tokens", usage.promptTokens());
            body.putObject("input_tokens_details").put("cached_tokens", 0).put("cache_write_tokens", 0);
            body.put("output_tokens", usage.completionTokens());
            body.putObject("output_tokens_details").put("reasoning_tokens", 0);
            body.put("total_tokens", usage.totalTokens());
        }
    }

    private void openItem(boolean reasoning, Consumer<byte[]> sink) {
        openText.setLength(0);
        openIndex = output.size();
        if (reasoning) {
            openItem = output.addObject().put("id", "rs_" + itemPrefix + "_" + openIndex).put("type", "reasoning");
            openItem.putArray("summary");
            event("response.output_item.added", NODES.objectNode().put("output_index", openIndex).set("item", openItem.deepCopy()), sink);
            event("response.reasoning_summary_part.added", NODES.objectNode().put("item_id", openItem.path("id").asText())
                    .put("output_index", openIndex).put("summary_index", 0).set("part", summaryText("")), sink);
        } else {
            openItem = output.addObject().put("id", "msg_" + itemPrefix + "_" + openIndex).put("type", "message")
                    .put("status", "in_progress").put("role", "assistant");
            openItem.putArray("content");
            event("response.output_item.added", NODES.objectNode().put("output_index", openIndex).set("item", openItem.deepCopy()), sink);
            event("response.content_part.added", NODES.objectNode().put("item_id", openItem.path("id").asText())
                    .put("output_index", openIndex).put("content_index", 0).set("part", outputText("")), sink);
        }
    }

    /** The done events of every open item, in order: the message or reasoning item, then the tool calls. */
    private void closeItems(Consumer<byte[]> sink) {
        if (openItem != null) {
            closeOpenItem(sink);
        }
        for (ObjectNode call : openCalls) {
            int index = outputIndexOf(call);
            event("response.function_call_arguments.done", NODES.objectNode().put("item_id", call.path("id").asText())
                    .put("name", call.path("name").asText()).put("output_index", index).put("arguments", call.path("arguments").asText()), sink);
            call.put("status", "completed");
            event("response.output_item.done", NODES.objectNode().put("output_index", index).set("item", call.deepCopy()), sink);
        }
        openCalls.clear();
        openCallIndexes.clear();
    }

    private void closeOpenItem(Consumer<byte[]> sink) {
        String id = openItem.path("id").asText();
        String text = openText.toString();
        if ("reasoning".equals(openItem.path("type").asText())) {
            event("response.reasoning_summary_text.done", NODES.objectNode().put("item_id", id).put("output_index", openIndex)
                    .put("summary_index", 0).put("text", text), sink);
            event("response.reasoning_summary_part.done", NODES.objectNode().put("item_id", id).put("output_index", openIndex)
                    .put("summary_index", 0).set("part", summaryText(text)), sink);
            ((ArrayNode) openItem.get("summary")).add(summaryText(text));
        } else {
            ObjectNode done = NODES.objectNode().put("item_id", id).put("output_index", openIndex).put("content_index", 0).put("text", text);
            done.putArray("logprobs");
            event("response.output_text.done", done, sink);
            event("response.content_part.done", NODES.objectNode().put("item_id", id).put("output_index", openIndex)
                    .put("content_index", 0).set("part", outputText(text)), sink);
            ((ArrayNode) openItem.get("content")).add(outputText(text));
            openItem.put("status", "completed");
        }
        event("response.output_item.done", NODES.objectNode().put("output_index", openIndex).set("item", openItem.deepCopy()), sink);
        openItem = null;
        openText.setLength(0);
    }

    private int outputIndexOf(ObjectNode item) {
        for (int i = 0; i < output.size(); i++) {
            if (output.get(i) == item) {
                return i;
            }
        }
        return -1;
    }

    private static ObjectNode outputText(String text) {
        ObjectNode part = NODES.objectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    private static ObjectNode summaryText(String text) {
        return NODES.objectNode().put("type", "summary_text").put("text", text);
    }

    /** One event: {@code event: <type>} and its data with type and sequence number first. */
    private void event(String type, ObjectNode fields, Consumer<byte[]> sink) {
        ObjectNode data = NODES.objectNode().put("type", type).put("sequence_number", sequence++);
        data.setAll(fields);
        sink.accept(("event: " + type + "\ndata: " + write(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response event", e);
        }
    }
}
