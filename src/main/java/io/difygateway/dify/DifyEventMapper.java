package io.difygateway.dify;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.completion.CompletionEvent;
import io.difygateway.config.ModelDefinition;
import io.difygateway.errors.OpenAiException;
import io.difygateway.sse.SseEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Translates one Dify stream event into backend-neutral {@link CompletionEvent}s: answer text ({@code message},
 * {@code agent_message}, {@code text_chunk}, any frame with a string {@code answer}), files as markdown links,
 * replacements, reasoning (agent steps, {@code reasoning_chunk}, optional workflow progress), usage and
 * citations from {@code message_end}, workflow outputs and failures, a paused run's notice, errors and pings.
 * Everything else (audio, agent logs, node details) is not forwarded.
 */
@Component("difyEventMapper")
public class DifyEventMapper {

    private static final Logger LOG = LoggerFactory.getLogger(DifyEventMapper.class);
    private static final int MAX_OBSERVATION = 1000;
    private static final int MAX_QUOTE = 200;
    /** The events after which a Dify stream is complete: the text is whole (message_end), the run is over or paused. */
    private static final Set<String> TERMINAL_EVENTS = Set.of("message_end", "workflow_finished", "workflow_paused");
    /** Nodes whose start is not worth a progress line. */
    private static final Set<String> QUIET_NODES = Set.of("start", "end", "answer");

    private final ObjectMapper json;

    public DifyEventMapper(ObjectMapper json) {
        this.json = json;
    }

    /** The state for a new stream of a model's app; a background task's answer gets no citations or progress. */
    public DifyStreamState open(ModelDefinition model, boolean backgroundTask) {
        return open(model, backgroundTask, DifyAppType.of(model.dify().appType()));
    }

    /** The state of one stream of an app read as this type (an Agent app found by its /info). */
    public DifyStreamState open(ModelDefinition model, boolean backgroundTask, DifyAppType type) {
        return new DifyStreamState(model, !backgroundTask, type);
    }

    /** The completion events for one Dify event; empty for events that mean nothing to the client. */
    public List<CompletionEvent> map(SseEvent event, DifyStreamState state) {
        if (event == null) {
            return List.of();
        }
        if (!event.hasData()) {
            return List.of(CompletionEvent.KEEP_ALIVE); // "event: ping" has no data line
        }
        if (event.id() != null) {
            if (!state.eventIds.add(event.id())) {
                return List.of(); // already shown before the stream was resumed
            }
            state.lastEventId = event.id();
        }
        JsonNode frame;
        try {
            frame = json.readTree(event.data());
        } catch (JsonProcessingException e) {
            LOG.debug("Skipping a Dify event that is not JSON: {}", e.getOriginalMessage());
            return List.of();
        }
        if (frame == null || !frame.isObject()) {
            return List.of();
        }
        List<CompletionEvent> events = new ArrayList<>(2);
        if (!state.idsSeen && frame.path("task_id").isTextual()) {
            state.idsSeen = true;
            events.add(new CompletionEvent.UpstreamIds(frame.get("task_id").asText(), frame.path("conversation_id").asText(null)));
        }
        String type = frame.path("event").asText("");
        JsonNode data = frame.path("data");
        if (state.workflowRunId == null && frame.path("workflow_run_id").isTextual()) {
            state.workflowRunId = frame.get("workflow_run_id").asText();
        }
        if (TERMINAL_EVENTS.contains(type)) {
            state.terminalSeen = true;
        }
        switch (type) {
            case "message_replace" -> {
                // the newest chatflow failure replaces the answer before workflow_finished(failed), which ends it as a failure
                if (!"workflow_resumption_terminal".equals(frame.path("reason").asText())) {
                    events.add(new CompletionEvent.ReplaceAnswer(frame.path("answer").asText("")));
                }
            }
            case "text_replace" -> events.add(new CompletionEvent.ReplaceAnswer(data.path("text").asText("")));
            case "text_chunk" -> text(events, state, data.path("text"));
            case "message_file" -> {
                // newer Dify labels text chunks "message_file" once a message has a file: a string answer is text
                if (frame.path("answer").isTextual()) {
                    text(events, state, frame.get("answer"));
                } else {
                    file(events, state, frame);
                }
            }
            case "message_end" -> end(events, state, frame);
            case "agent_thought" -> agentThought(events, state, frame);
            case "reasoning_chunk" -> {
                String reasoning = data.path("reasoning").asText("");
                if (!reasoning.isEmpty()) {
                    events.add(new CompletionEvent.Reasoning(reasoning));
                }
            }
            case "node_started" -> {
                if (state.decorate && state.model.dify().workflowProgress() && !QUIET_NODES.contains(data.path("node_type").asText())) {
                    events.add(new CompletionEvent.Reasoning("Running: " + data.path("title").asText("a step") + "\n\n"));
                }
            }
            case "iteration_started", "loop_started" -> {
                if (state.decorate && state.model.dify().workflowProgress()) {
                    JsonNode metadata = data.path("metadata"); // iteration_length since Dify's new engine, iterator_length before
                    int length = metadata.path(metadata.has("iteration_length") ? "iteration_length" : "iterator_length").asInt(0);
                    events.add(new CompletionEvent.Reasoning(("iteration_started".equals(type) ? "Iterating: " : "Looping: ")
                            + data.path("title").asText("a step") + (length > 0 ? " (" + length + " items)" : "") + "\n\n"));
                }
            }
            case "node_finished" -> nodeFinished(events, state, data);
            case "workflow_finished" -> workflowFinished(events, state, data);
            case "human_input_required" -> {
                state.waitingForm = data.path("node_title").asText(null);
                if (state.appType == DifyAppType.AGENT) {
                    events.add(new CompletionEvent.Text(agentWaitingNotice(data)));
                }
            }
            case "workflow_paused" -> events.add(new CompletionEvent.Text(pausedNotice(state)));
            case "error" -> events.add(new CompletionEvent.Failure(inStreamError(frame)));
            default -> {
                // a string answer is text whatever the event says (message, agent_message, future names);
                // audio (tts_*), agent_log, workflow_started and the like are not shown. An Agent app (Dify 1.16) closes
                // its turn with one message repeating what its agent_message events streamed
                if ("agent_message".equals(type)) {
                    state.agentMessageSeen = true;
                } else if ("message".equals(type) && state.appType == DifyAppType.AGENT && state.agentMessageSeen) {
                    return events;
                }
                if (frame.path("answer").isTextual() && !type.startsWith("tts")) {
                    text(events, state, frame.get("answer"));
                }
            }
        }
        return events;
    }

    private static void text(List<CompletionEvent> events, DifyStreamState state, JsonNode text) {
        if (text.isTextual() && !text.asText().isEmpty()) {
            state.textSeen = true;
            events.add(new CompletionEvent.Text(text.asText()));
        }
    }

    /** A file the app produced: an image inline, anything else as a link. */
    private static void file(List<CompletionEvent> events, DifyStreamState state, JsonNode frame) {
        String url = frame.path("url").asText("");
        if (url.isEmpty() || "user".equals(frame.path("belongs_to").asText())) {
            return;
        }
        String absolute = state.absolute(url);
        state.filesShown.add(WorkflowOutputs.identity(absolute));
        String kind = frame.path("type").asText("file");
        events.add(new CompletionEvent.Text("image".equals(kind)
                ? "\n\n![image](" + absolute + ")\n\n"
                : "\n\n[" + kind + "](" + absolute + ")\n\n"));
        state.textSeen = true;
    }

    private void end(List<CompletionEvent> events, DifyStreamState state, JsonNode frame) {
        JsonNode metadata = frame.path("metadata");
        JsonNode usage = metadata.path("usage");
        if (usage.isObject()) {
            state.endUsageSeen = true;
            events.add(new CompletionEvent.Usage(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong()));
        }
        if (state.decorate && state.model.dify().citations()) {
            citations(events, metadata.path("retriever_resources"));
        }
    }

    /** A "Sources" list, one short line per document, each its own chunk. */
    private static void citations(List<CompletionEvent> events, JsonNode resources) {
        if (!resources.isArray() || resources.isEmpty()) {
            return;
        }
        events.add(new CompletionEvent.Text("\n\n**Sources**\n"));
        int number = 1;
        for (JsonNode resource : resources) {
            String document = firstText(resource, "document_name", "title", "dataset_name");
            String dataset = resource.path("dataset_name").asText("");
            StringBuilder line = new StringBuilder().append('\n').append(number++).append(". **")
                    .append(document == null ? "source" : document).append("**");
            if (!dataset.isEmpty() && !dataset.equals(document)) {
                line.append(" (").append(dataset).append(')');
            }
            String quote = resource.path("content").asText("").replaceAll("\\s+", " ").strip();
            if (!quote.isEmpty()) {
                line.append(": “").append(shorten(quote, MAX_QUOTE)).append('”');
            }
            events.add(new CompletionEvent.Text(line.toString()));
        }
        events.add(new CompletionEvent.Text("\n"));
    }

    /**
     * Agent steps as reasoning: each tool call with its input once, each tool result once, and a round's own
     * thought text when that round called a tool (a final round's thought repeats the answer and is not shown).
     */
    private void agentThought(List<CompletionEvent> events, DifyStreamState state, JsonNode frame) {
        String id = frame.path("id").asText("");
        String tool = frame.path("tool").asText("");
        String thought = frame.path("thought").asText("").strip();
        // an Agent app's (Dify 1.16) thinking rows have no tool; agent-chat's final round repeats the answer there
        boolean showsThought = !tool.isEmpty() || state.appType == DifyAppType.AGENT;
        if (showsThought && !thought.isEmpty() && !thought.equals(state.thoughtsShown.get(id))) {
            String shown = state.thoughtsShown.getOrDefault(id, "");
            String fresh = thought.startsWith(shown) ? thought.substring(shown.length()) : "\n" + thought;
            state.thoughtsShown.put(id, thought);
            events.add(new CompletionEvent.Reasoning(fresh.strip() + "\n\n"));
        }
        if (tool.isEmpty()) {
            return;
        }
        if (state.toolCallsShown.add(id)) {
            Map<String, String> inputs = perTool(tool, frame.path("tool_input").asText(""));
            inputs.forEach((name, input) -> events.add(new CompletionEvent.Reasoning(
                    "Using tool `" + name + "`" + (input.isEmpty() ? "" : " with " + input) + "\n\n")));
        }
        String observation = frame.path("observation").asText("");
        if (!observation.isEmpty() && state.observationsShown.add(id)) {
            perTool(tool, observation).forEach((name, output) -> events.add(new CompletionEvent.Reasoning(
                    "`" + name + "` returned: " + shorten(output.replaceAll("\\s+", " "), MAX_OBSERVATION) + "\n\n")));
        }
    }

    /** Dify's tool_input and observation are JSON objects keyed by tool name; shows each tool's part. */
    private Map<String, String> perTool(String tools, String text) {
        Map<String, String> parts = new java.util.LinkedHashMap<>();
        try {
            JsonNode node = json.readTree(text);
            if (node != null && node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    parts.put(entry.getKey(), entry.getValue().isTextual() ? entry.getValue().asText() : entry.getValue().toString());
                }
                return parts;
            }
        } catch (JsonProcessingException notJson) {
            // shown as it is
        }
        parts.put(tools, text);
        return parts;
    }

    private void nodeFinished(List<CompletionEvent> events, DifyStreamState state, JsonNode data) {
        // a step inside an iteration or loop may fail while the run goes on (error mode continue-on-error or
        // remove-abnormal-output): only a failure outside them, or workflow_finished failed, ends the answer
        boolean inside = data.hasNonNull("iteration_id") && !data.get("iteration_id").asText().isEmpty()
                || data.hasNonNull("loop_id") && !data.get("loop_id").asText().isEmpty();
        if ("failed".equals(data.path("status").asText()) && !inside) {
            String error = data.path("error").asText("");
            events.add(new CompletionEvent.Failure(new OpenAiException(502, "server_error", "workflow_failed", null,
                    "The Dify workflow failed at step '" + data.path("title").asText("?") + "'"
                            + (error.isEmpty() ? "." : ": " + error), OpenAiException.NO_RETRY)));
            return;
        }
        // every node that reports usage counts: llm, agent, question-classifier, parameter-extractor, knowledge retrieval
        JsonNode usage = data.path("outputs").path("usage").isObject() ? data.path("outputs").path("usage") : data.path("process_data").path("usage");
        if (usage.isObject()) {
            state.nodeUsageSeen = true;
            state.nodePromptTokens += usage.path("prompt_tokens").asLong();
            state.nodeCompletionTokens += usage.path("completion_tokens").asLong();
        }
    }

    private void workflowFinished(List<CompletionEvent> events, DifyStreamState state, JsonNode data) {
        String status = data.path("status").asText("");
        if ("failed".equals(status)) {
            String error = data.path("error").asText("");
            events.add(new CompletionEvent.Failure(new OpenAiException(502, "server_error", "workflow_failed", null,
                    "The Dify workflow failed" + (error.isEmpty() ? "." : ": " + error), OpenAiException.NO_RETRY)));
            return;
        }
        JsonNode outputs = data.path("outputs");
        if (state.appType == DifyAppType.WORKFLOW && !state.textSeen && !"stopped".equals(status)) {
            events.add(new CompletionEvent.Text(WorkflowOutputs.render(outputs, state.model.dify().outputVariable(), json, state::absolute)));
        } else if (!"stopped".equals(status)) {
            // the answer came as text: the run's output files not yet shown (as message_file) follow it as links
            for (JsonNode file : WorkflowOutputs.files(outputs)) {
                String link = WorkflowOutputs.link(file, state::absolute);
                if (link != null && state.filesShown.add(WorkflowOutputs.identity(state.absolute(WorkflowOutputs.url(file))))) {
                    events.add(new CompletionEvent.Text("\n\n" + link + "\n\n"));
                }
            }
        }
        if (state.appType != DifyAppType.WORKFLOW) {
            // chatflow: the answer came as message events, usage with message_end; without it, the run's total
            if (!state.endUsageSeen && data.path("total_tokens").asLong() > 0) {
                events.add(new CompletionEvent.Usage(0, data.path("total_tokens").asLong()));
            }
            return;
        }
        if (state.nodeUsageSeen) {
            events.add(new CompletionEvent.Usage(state.nodePromptTokens, state.nodeCompletionTokens));
        } else if (data.path("total_tokens").asLong() > 0) {
            // workflow runs report only a total: count it as completion tokens
            events.add(new CompletionEvent.Usage(0, data.path("total_tokens").asLong()));
        }
    }

    private static String agentWaitingNotice(JsonNode data) {
        String title = data.path("node_title").asText("");
        String form = data.path("form_content").asText("").strip();
        String asked = "The agent is waiting for input" + (title.isEmpty() ? "" : " (" + title + ")") + (form.isEmpty() ? "" : ": " + shorten(form, MAX_QUOTE));
        return "\n\n*" + asked + (asked.matches(".*[.?!…]$") ? "" : ".") + " It cannot be given through this chat: answer it in Dify.*";
    }

    private static String pausedNotice(DifyStreamState state) {
        return "\n\n*The workflow is waiting for human input"
                + (state.waitingForm == null ? "" : " (" + state.waitingForm + ")")
                + ", which cannot be given through this chat. Complete it in Dify; the rest of the run will not appear here.*";
    }

    private static OpenAiException inStreamError(JsonNode frame) {
        String code = frame.path("code").asText("");
        String message = frame.path("message").asText("");
        if (DifyErrorMapper.QUOTA_EXCEEDED.equals(code)) {
            return DifyErrorMapper.quotaExceeded("The Dify app", message.isEmpty() ? "no reason given" : message);
        }
        return new OpenAiException(502, "server_error", code.isEmpty() ? "upstream_error" : code, null,
                "The Dify app failed: " + (message.isEmpty() ? "no reason given" : message)
                        + (code.isEmpty() ? "" : " (Dify code " + code + ")"), OpenAiException.NO_RETRY);
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            String value = node.path(field).asText("");
            if (!value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    static String shorten(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
