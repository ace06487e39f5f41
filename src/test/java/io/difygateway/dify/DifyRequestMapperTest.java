package io.difygateway.dify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelDefinition;
import io.difygateway.config.ModelRegistry;
import io.difygateway.conversation.ConversationTracker;
import io.difygateway.conversation.InMemoryConversationStore;
import io.difygateway.errors.OpenAiException;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.frontdoor.ChatMessage;
import io.difygateway.support.TestModels;
import org.junit.jupiter.api.Test;

class DifyRequestMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DifyAppCatalog catalog = new DifyAppCatalog(new ModelRegistry(new GatewayProperties()), JSON, Clock.systemUTC());
    private final DifyRequestMapper mapper = new DifyRequestMapper(JSON, catalog);
    private final ConversationTracker conversations = new ConversationTracker(
            new InMemoryConversationStore(100, Duration.ofHours(1), Clock.systemUTC()), new GatewayProperties());

    private static ModelDefinition model(String appType, Map<String, Object> inputs, String queryInput) {
        return TestModels.dify(appType).inputs(inputs).queryInput(queryInput).build();
    }

    private static final ChatCompletionRequest HELLO =
            new ChatCompletionRequest("m", List.of(new ChatMessage("user", "Hello")), true, false, null);

    private JsonNode body(ModelDefinition model) throws Exception {
        return JSON.readTree(mapper.runBody(HELLO, model, "u", List.of(), conversations.open(HELLO, model, "u", Map.of(), false, null)));
    }

    @Test
    void aChatAppCanAlsoGetTheMessageInAnInput() throws Exception {
        JsonNode body = body(model("chat", Map.of("lang", "de"), "question"));
        assertThat(body.get("query").asText()).isEqualTo("Hello");
        assertThat(body.get("inputs")).isEqualTo(JSON.readTree("{\"lang\":\"de\",\"question\":\"Hello\"}"));
        assertThat(body.get("auto_generate_name").asBoolean()).isFalse();
    }

    @Test
    void aCompletionAppWithoutTextInputsGetsTheLegacyQuery() throws Exception {
        ModelDefinition model = model("completion", Map.of(), null);
        catalog.acceptParameters(model, 200, "{\"user_input_form\": [{\"select\": {\"variable\": \"tone\", \"required\": false}}]}");
        JsonNode body = body(model);
        assertThat(body.get("query").asText()).isEqualTo("Hello");
        assertThat(body.get("inputs")).isEqualTo(JSON.readTree("{}"));
    }

    @Test
    void aLikelyNamedTextInputWinsOverTheFirstOne() throws Exception {
        ModelDefinition model = model("workflow", Map.of(), null);
        catalog.acceptParameters(model, 200, """
                {"user_input_form": [{"text-input": {"variable": "title", "required": false}},
                                     {"paragraph": {"variable": "Question", "required": true}}]}""");
        assertThat(body(model).get("inputs")).isEqualTo(JSON.readTree("{\"Question\":\"Hello\"}"));
    }

    @Test
    void aWorkflowWhoseFormCannotBeReadNeedsAConfiguredQueryInput() throws Exception {
        ModelDefinition model = model("workflow", Map.of(), null);
        catalog.failed(model, new java.net.ConnectException("Connection refused"));
        assertThatThrownBy(() -> body(model)).isInstanceOfSatisfying(OpenAiException.class, e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.getMessage()).contains("gateway.models.m.query-input").contains("Connection refused");
        });
        assertThat(body(model("workflow", Map.of(), "text")).get("inputs")).isEqualTo(JSON.readTree("{\"text\":\"Hello\"}"));
    }

    @Test
    void configuredInputsOverrideFormDefaults() throws Exception {
        ModelDefinition model = model("workflow", Map.of("lang", "German"), "text");
        catalog.acceptParameters(model, 200, """
                {"user_input_form": [{"select": {"variable": "lang", "required": true, "default": "English"}},
                                     {"number": {"variable": "limit", "required": false, "default": 3}},
                                     {"file": {"variable": "attachment", "required": false}}]}""");
        assertThat(body(model).get("inputs")).isEqualTo(JSON.readTree("{\"lang\":\"German\",\"limit\":3,\"text\":\"Hello\"}"));
    }

    private static Map<String, Object> upload(String id) {
        return Map.of("type", "document", "transfer_method", "local_file", "upload_file_id", id);
    }

    @Test
    void theAttachmentsFillTheFileInputsAFileTheNextAFileListTheRestUpToItsLimit() throws Exception {
        ModelDefinition model = model("workflow", Map.of(), "text");
        catalog.acceptParameters(model, 200, """
                {"user_input_form": [{"paragraph": {"variable": "text", "required": true}},
                                     {"file": {"variable": "contract", "required": true}},
                                     {"file-list": {"variable": "annexes", "required": false, "max_length": 2}}]}""");
        List<Map<String, Object>> files = List.of(upload("f1"), upload("f2"), upload("f3"), upload("f4"));
        JsonNode body = JSON.readTree(mapper.runBody(HELLO, model, "u", files, conversations.open(HELLO, model, "u", Map.of(), false, null)));
        assertThat(body.at("/inputs/contract/upload_file_id").asText()).isEqualTo("f1");
        assertThat(body.at("/inputs/annexes").findValuesAsText("upload_file_id")).containsExactly("f2", "f3");
        assertThat(body.get("files")).as("the attachments stay the run's files too (sys.files)").hasSize(4);
    }

    @Test
    void aRequiredFileInputOfAWorkflowWithoutAttachmentIsA400() {
        ModelDefinition model = model("workflow", Map.of(), "text");
        catalog.acceptParameters(model, 200, """
                {"user_input_form": [{"paragraph": {"variable": "text", "required": true}},
                                     {"file": {"variable": "contract", "label": "Contract", "required": true}}]}""");
        assertThatThrownBy(() -> body(model)).isInstanceOfSatisfying(OpenAiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("missing_input");
            assertThat(e.param()).isEqualTo("inputs.contract");
            assertThat(e.getMessage()).contains("needs a file for its input 'contract' (Contract): attach one to the message");
        });
        ModelDefinition chat = model("chat", Map.of(), null);
        catalog.acceptParameters(chat, 200, "{\"user_input_form\": [{\"file\": {\"variable\": \"contract\", \"required\": true}}]}");
        assertThat(catchThrowable(() -> body(chat))).as("a chat's inputs belong to its conversation: Dify decides").isNull();
    }

    @Test
    void theSystemPromptGoesWhereTheModelSays() throws Exception {
        ChatCompletionRequest request = new ChatCompletionRequest("m", List.of(new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "Hello")), true, false, null);
        ModelDefinition prefix = TestModels.dify("chat").build();
        ModelDefinition input = TestModels.dify("chat").systemPrompt("input:instructions").build();
        ModelDefinition drop = TestModels.dify("chat").systemPrompt("drop").build();
        JsonNode prefixed = JSON.readTree(mapper.runBody(request, prefix, "u", List.of(), conversations.open(request, prefix, "u", Map.of(), false, null)));
        assertThat(prefixed.get("query").asText()).isEqualTo("### Instructions\nBe brief.\n\n### Current message\nHello");
        JsonNode asInput = JSON.readTree(mapper.runBody(request, input, "u", List.of(), conversations.open(request, input, "u", Map.of(), false, null)));
        assertThat(asInput.get("query").asText()).isEqualTo("Hello");
        assertThat(asInput.at("/inputs/instructions").asText()).isEqualTo("Be brief.");
        JsonNode dropped = JSON.readTree(mapper.runBody(request, drop, "u", List.of(), conversations.open(request, drop, "u", Map.of(), false, null)));
        assertThat(dropped.get("query").asText()).isEqualTo("Hello");
        assertThat(dropped.get("inputs").isEmpty()).isTrue();
    }

    @Test
    void aTextInputsMaxLengthIsKeptTheLastMessageAloneOrA400() throws Exception {
        ModelDefinition workflow = model("workflow", Map.of(), null);
        catalog.acceptParameters(workflow, 200, "{\"user_input_form\": [{\"text-input\": {\"variable\": \"query\", \"required\": true, \"max_length\": 48}}]}");
        ChatCompletionRequest withHistory = new ChatCompletionRequest("m", List.of(new ChatMessage("user", "What is the refund policy for annual plans?"),
                new ChatMessage("assistant", "Full refund within 30 days."), new ChatMessage("user", "And monthly plans?")), true, false, null);
        JsonNode body = JSON.readTree(mapper.runBody(withHistory, workflow, "u", List.of(),
                conversations.open(withHistory, workflow, "u", Map.of(), false, null)));
        assertThat(body.at("/inputs/query").asText()).as("the transcript is longer than 48: the last message alone").isEqualTo("And monthly plans?");

        ChatCompletionRequest tooLong = new ChatCompletionRequest("m", List.of(new ChatMessage("user", "x".repeat(49))), true, false, null);
        assertThatThrownBy(() -> mapper.runBody(tooLong, workflow, "u", List.of(), conversations.open(tooLong, workflow, "u", Map.of(), false, null)))
                .isInstanceOfSatisfying(OpenAiException.class, error -> {
                    assertThat(error.status()).isEqualTo(400);
                    assertThat(error.toError().code()).isEqualTo("input_too_long");
                    assertThat(error.toError().param()).isEqualTo("inputs.query");
                    assertThat(error.getMessage()).contains("at most 48");
                });
    }

    @Test
    void aChatTranscriptInALimitedInputLosesItsOldestTurnsFirst() throws Exception {
        ModelDefinition chat = model("chat", Map.of(), "question");
        catalog.acceptParameters(chat, 200, "{\"user_input_form\": [{\"paragraph\": {\"variable\": \"question\", \"max_length\": 120}}]}");
        ChatCompletionRequest history = new ChatCompletionRequest("m", List.of(new ChatMessage("user", "First question about VPN tokens?"),
                new ChatMessage("assistant", "First answer."), new ChatMessage("user", "Second?"), new ChatMessage("assistant", "Second answer."),
                new ChatMessage("user", "Third?")), true, false, null);
        String input = JSON.readTree(mapper.runBody(history, chat, "u", List.of(), conversations.open(history, chat, "u", Map.of(), false, null)))
                .at("/inputs/question").asText();
        assertThat(input.length()).isLessThanOrEqualTo(120);
        assertThat(input).doesNotContain("First question").contains("Second answer.").endsWith("Third?");
    }
}
