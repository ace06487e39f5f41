package io.difygateway.dify;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.config.ModelDefinition;
import io.difygateway.frontdoor.ChatCompletionRequest;
import org.springframework.stereotype.Component;

/**
 * Translates Open WebUI's title and follow-up tasks to what Dify knows of the chat (its conversation's generated name,
 * the suggested questions after its newest answer) and Dify's answers to the JSON the task prompt asks for.
 */
@Component
public class DifyTaskAnswers {

    /** The task kinds Dify can answer. */
    public enum Kind { TITLE, FOLLOW_UPS }

    /**
     * A task Dify is asked to answer.
     *
     * @param kind           title or follow-ups
     * @param app            the chat's Dify model (the requested one, not its task model)
     * @param conversationId the chat's Dify conversation
     * @param taskModel      the model that answers the task when Dify has nothing
     */
    public record Plan(Kind kind, ModelDefinition app, String conversationId, ModelDefinition taskModel) {
    }

    private final ObjectMapper json;

    public DifyTaskAnswers(ObjectMapper json) {
        this.json = json;
    }

    /**
     * The kind of a background task: from the task header's value (Open WebUI's {@code title_generation},
     * {@code follow_up_generation}; any other task is none), else from the JSON its prompt asks for; null for others.
     */
    public Kind kind(ChatCompletionRequest request, String taskHeader) {
        if (taskHeader != null && !taskHeader.isBlank()) {
            return switch (taskHeader.trim()) {
                case "title_generation" -> Kind.TITLE;
                case "follow_up_generation" -> Kind.FOLLOW_UPS;
                default -> null;
            };
        }
        String prompt = request.messages().get(request.lastUserIndex()).text();
        if (!prompt.contains("<chat_history>")) {
            return null;
        }
        if (prompt.contains("\"follow_ups\"")) {
            return Kind.FOLLOW_UPS;
        }
        return prompt.contains("\"title\"") ? Kind.TITLE : null;
    }

    /** Dify's answer for the task kind (the renamed conversation, the suggested questions) → the task's JSON, or null. */
    public String answer(Kind kind, JsonNode difyAnswer) {
        return kind == Kind.TITLE ? title(difyAnswer) : followUps(difyAnswer);
    }

    /** Dify's renamed conversation ({@code {"name"}}) → {@code {"title": name}}, or null when it has no name. */
    public String title(JsonNode conversation) {
        String name = conversation.path("name").asText("").strip();
        return name.isEmpty() ? null : json.createObjectNode().put("title", name).toString();
    }

    /** Dify's message list ({@code {"data": [...]}}, oldest first) → the newest message's id, or null. */
    public String newestMessageId(JsonNode messages) {
        JsonNode data = messages.path("data");
        if (!data.isArray() || data.isEmpty()) {
            return null;
        }
        String id = data.get(data.size() - 1).path("id").asText("");
        return id.isEmpty() ? null : id;
    }

    /** Dify's suggested questions ({@code {"data": [...]}}) → {@code {"follow_ups": [...]}}, or null when there are none. */
    public String followUps(JsonNode suggested) {
        List<String> questions = new ArrayList<>();
        suggested.path("data").forEach(question -> {
            if (question.isTextual() && !question.asText().isBlank()) {
                questions.add(question.asText().strip());
            }
        });
        if (questions.isEmpty()) {
            return null;
        }
        ObjectNode answer = json.createObjectNode();
        ArrayNode followUps = answer.putArray("follow_ups");
        questions.forEach(followUps::add);
        return answer.toString();
    }
}
