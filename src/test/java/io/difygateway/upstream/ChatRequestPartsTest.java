package io.difygateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.frontdoor.ChatMessage;
import org.junit.jupiter.api.Test;

class ChatRequestPartsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ChatCompletionRequest request(String raw, ChatMessage... messages) throws Exception {
        return new ChatCompletionRequest("m", List.of(messages), true, false, null, (ObjectNode) JSON.readTree(raw));
    }

    @Test
    void withoutParametersTheMessagesStayAsTheyAreAndThereAreNoFields() throws Exception {
        ChatRequestParts parts = new ChatRequestParts();
        ChatCompletionRequest request = request("{\"temperature\":1}", new ChatMessage("system", "Be \"brief\"."), new ChatMessage("user", "Hi\n"));
        assertThat(JSON.readTree(parts.messages(request))).isEqualTo(JSON.readTree(
                "[{\"role\":\"system\",\"content\":\"Be \\\"brief\\\".\"},{\"role\":\"user\",\"content\":\"Hi\\n\"}]"));
        assertThat(parts.fields(request, null)).isEmpty();
    }

    @Test
    void theSystemTextGoesToItsFieldAndLeavesTheMessages() throws Exception {
        ChatRequestParts parts = new ChatRequestParts();
        parts.setSystemField("system");
        ChatCompletionRequest request = request("{}", new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"),
                new ChatMessage("developer", "Answer in \"English\"."));
        assertThat(JSON.readTree(parts.messages(request))).isEqualTo(JSON.readTree("[{\"role\":\"user\",\"content\":\"Hi\"}]"));
        assertThat(JSON.readTree("{" + parts.fields(request, null) + "\"x\": 1}").get("system").asText())
                .isEqualTo("Be brief.\n\nAnswer in \"English\".");
        assertThat(parts.fields(request("{}", new ChatMessage("user", "Hi")), null)).as("no system message, no field").isEmpty();
    }

    @Test
    void theTokenLimitIsTheRequestsElseTheDefault() throws Exception {
        ChatRequestParts parts = new ChatRequestParts();
        parts.setMaxTokensField("max_tokens");
        ChatMessage hi = new ChatMessage("user", "Hi");
        assertThat(parts.fields(request("{\"max_completion_tokens\":50,\"max_tokens\":70}", hi), 4096L)).isEqualTo("\"max_tokens\": 50, ");
        assertThat(parts.fields(request("{\"max_tokens\":70}", hi), 4096L)).isEqualTo("\"max_tokens\": 70, ");
        assertThat(parts.fields(request("{}", hi), 4096L)).isEqualTo("\"max_tokens\": 4096, ");
        assertThat(parts.fields(request("{}", hi), null)).isEmpty();
    }

    @Test
    void copiedFieldsAreRenamedAndWrappedAsAsked() throws Exception {
        ChatRequestParts parts = new ChatRequestParts();
        parts.setCopyFields(" temperature, top_p , stop: stop_sequences[], seed");
        ChatMessage hi = new ChatMessage("user", "Hi");
        String fields = parts.fields(request("{\"temperature\":0.2,\"top_p\":null,\"stop\":\"END\",\"user\":\"u\"}", hi), null);
        assertThat(JSON.readTree("{" + fields + "\"x\": 1}")).isEqualTo(JSON.readTree("{\"temperature\":0.2,\"stop_sequences\":[\"END\"],\"x\":1}"));
        assertThat(JSON.readTree("{" + parts.fields(request("{\"stop\":[\"A\",\"B\"]}", hi), null) + "\"x\": 1}").get("stop_sequences"))
                .isEqualTo(JSON.readTree("[\"A\",\"B\"]"));
        assertThatThrownBy(() -> parts.setCopyFields("temperature, :top_k")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("copyFields").hasMessageContaining(":top_k");
    }

    @Test
    void anthropicToolChoicesAreTranslated() throws Exception {
        ChatRequestParts parts = new ChatRequestParts();
        parts.setMessageFormat("anthropic");
        ChatMessage hi = new ChatMessage("user", "Hi");
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";
        assertThat(JSON.readTree("{" + parts.fields(request("{" + tools + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}}", hi), null)
                + "\"x\": 1}")).isEqualTo(JSON.readTree("{\"tools\":[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}],"
                + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"f\"},\"x\":1}"));
        assertThat(JSON.readTree("{" + parts.fields(request("{" + tools + ",\"tool_choice\":\"none\",\"parallel_tool_calls\":false}", hi), null)
                + "\"x\": 1}").get("tool_choice")).isEqualTo(JSON.readTree("{\"type\":\"none\"}"));
        assertThat(JSON.readTree("{" + parts.fields(request("{" + tools + "}", hi), null) + "\"x\": 1}").has("tool_choice"))
                .as("no tool_choice asked, none sent: Anthropic's default is auto").isFalse();
        assertThat(parts.fields(request("{\"tools\":[]}", hi), null)).as("no tools, no field").isEmpty();
        assertThatThrownBy(() -> parts.setMessageFormat("gemini")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("messageFormat");
    }

    @Test
    void textFormatSendsNoTools() throws Exception {
        ChatRequestParts parts = new ChatRequestParts();
        assertThat(parts.fields(request("{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}", new ChatMessage("user", "Hi")), null)).isEmpty();
    }
}
