package io.difygateway.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.support.ConversationalDify;
import io.difygateway.support.FakeDify;
import io.difygateway.support.GatewayTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Multi-turn conversations through the gateway against a fake Dify that scopes conversations like Dify. */
class ConversationsRouteTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConversationalDify dify;

    @BeforeEach
    void conversationalDify() {
        dify = new ConversationalDify();
        DIFY.respondWith(dify);
    }

    /** A client conversation as Open WebUI keeps it: the whole history, resent every turn. */
    private final class Chat {
        final String model;
        final List<String> headers = new ArrayList<>();
        final ArrayNode messages = JSON.createArrayNode();
        String user;

        Chat(String model) {
            this.model = model;
            messages.addObject().put("role", "system").put("content", "You are the IT helpdesk.");
        }

        Chat header(String name, String value) {
            headers.add(name);
            headers.add(value);
            return this;
        }

        /** Sends a user message and adds the answer to the history; returns the answer. */
        String say(String text) throws Exception {
            messages.addObject().put("role", "user").put("content", text);
            String answer = send();
            messages.addObject().put("role", "assistant").put("content", answer);
            return answer;
        }

        /** Sends the history as it is (a regenerate resends it without the last answer). */
        String send() throws Exception {
            ObjectNode body = JSON.createObjectNode().put("model", model).put("stream", true);
            if (user != null) {
                body.put("user", user);
            }
            body.set("messages", messages);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri("/v1/chat/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
            for (int i = 0; i < headers.size(); i += 2) {
                request.header(headers.get(i), headers.get(i + 1));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            StringBuilder answer = new StringBuilder();
            response.body().lines().filter(line -> line.startsWith("data: {")).forEach(line -> {
                try {
                    answer.append(JSON.readTree(line.substring(6)).at("/choices/0/delta/content").asText(""));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            return answer.toString();
        }

        /** Drops the last assistant answer, as a regenerate does. */
        void dropLastAnswer() {
            messages.remove(messages.size() - 1);
        }
    }

    private static JsonNode lastDifyRequest() throws IOException {
        return JSON.readTree(DIFY.lastChatRequest().body());
    }

    @Test
    void laterTurnsContinueTheDifyConversationWithOnlyTheNewMessage() throws Exception {
        Chat chat = new Chat("helpdesk");
        assertThat(chat.say("How do I reset my VPN token?")).isEqualTo("Answer 1 in conversation.");
        JsonNode first = lastDifyRequest();
        assertThat(first.has("conversation_id")).isFalse();
        assertThat(first.get("query").asText()).isEqualTo(
                "### Instructions\nYou are the IT helpdesk.\n\n### Current message\nHow do I reset my VPN token?");

        assertThat(chat.say("And if I lost the phone?")).isEqualTo("Answer 2 in conversation.");
        JsonNode second = lastDifyRequest();
        String conversationId = second.get("conversation_id").asText();
        assertThat(second.get("query").asText()).isEqualTo("And if I lost the phone?");

        assertThat(chat.say("Thanks!")).isEqualTo("Answer 3 in conversation.");
        assertThat(lastDifyRequest().get("conversation_id").asText()).isEqualTo(conversationId);
        assertThat(dify.queries(conversationId)).hasSize(3);
        assertThat(dify.count()).isEqualTo(1);
    }

    @Test
    void aRegeneratedAnswerStartsANewConversationInsteadOfCorruptingTheOldOne() throws Exception {
        Chat chat = new Chat("helpdesk");
        chat.say("Q1");
        chat.say("Q2");
        String original = lastDifyRequest().get("conversation_id").asText();
        chat.dropLastAnswer();
        chat.send(); // regenerate answer 2
        JsonNode regenerated = lastDifyRequest();
        assertThat(regenerated.has("conversation_id")).isFalse();
        assertThat(regenerated.get("query").asText()).contains("**User:** Q1").contains("**Assistant:** Answer 1 in conversation.")
                .endsWith("### Current message\nQ2");
        assertThat(dify.queries(original)).hasSize(2);
        assertThat(dify.count()).isEqualTo(2);
    }

    @Test
    void anEditedEarlierMessageStartsANewConversation() throws Exception {
        Chat chat = new Chat("helpdesk");
        chat.say("Q1");
        chat.say("Q2");
        ((ObjectNode) chat.messages.get(1)).put("content", "Q1, edited");
        chat.say("Q3");
        JsonNode edited = lastDifyRequest();
        assertThat(edited.has("conversation_id")).isFalse();
        assertThat(edited.get("query").asText()).contains("Q1, edited");
    }

    @Test
    void openWebUisMessageIdsContinueExactlyEvenWhenTheHistoryWasRewrittenAndARegenerationBranches() throws Exception {
        Chat chat = new Chat("helpdesk").header("X-OpenWebUI-Chat-Id", "chat-ids-1");
        messageIds(chat, "a1", "");
        chat.say("Q1");
        assertThat(lastDifyRequest().has("conversation_id")).isFalse();
        messageIds(chat, "a2", "a1");
        chat.say("Q2");
        String conversationId = lastDifyRequest().get("conversation_id").asText();
        assertThat(lastDifyRequest().get("query").asText()).isEqualTo("Q2");

        // Open WebUI's context compaction resends a summary instead of the old turns: the parent still says where it stands
        ((ObjectNode) chat.messages.get(1)).put("content", "Summary: the user asked Q1 and Q2.");
        messageIds(chat, "a3", "a2");
        chat.say("Q3");
        assertThat(lastDifyRequest().get("conversation_id").asText()).isEqualTo(conversationId);
        assertThat(lastDifyRequest().get("query").asText()).isEqualTo("Q3");

        // a regeneration branches from a2 again, which Dify (no branches in its Service API) has answered past
        chat.dropLastAnswer();
        messageIds(chat, "a3-regenerated", "a2");
        chat.send();
        assertThat(lastDifyRequest().has("conversation_id")).as("a new conversation with the history").isFalse();
        assertThat(lastDifyRequest().get("query").asText()).contains("Summary: the user asked Q1 and Q2.").endsWith("Q3");
        assertThat(dify.queries(conversationId)).hasSize(3);
    }

    @Test
    void aChatKnownByItsIdKeepsItsDifyConversationWhenContextCompactionRewroteTheOlderTurns() throws Exception {
        Chat chat = new Chat("helpdesk").header("X-OpenWebUI-Chat-Id", "chat-compacted");
        chat.say("Q1");
        chat.say("Q2");
        String conversationId = lastDifyRequest().get("conversation_id").asText();
        // Open WebUI's compaction: the older turns become one summary, the last turn stays as it was
        chat.messages.remove(1);
        chat.messages.remove(1);
        chat.messages.insert(1, JSON.createObjectNode().put("role", "user").put("content", "Summary of the earlier conversation: Q1 was answered."));
        chat.say("Q3");
        assertThat(lastDifyRequest().get("conversation_id").asText()).isEqualTo(conversationId);
        assertThat(lastDifyRequest().get("query").asText()).isEqualTo("Q3");
    }

    /** Sets Open WebUI's message id headers of the next turn (as {{MESSAGE_ID}} and {{USER_MESSAGE_PARENT_ID}} fill them). */
    private static void messageIds(Chat chat, String messageId, String parentId) {
        for (int i = chat.headers.size() - 2; i >= 0; i -= 2) {
            if (chat.headers.get(i).startsWith("X-OpenWebUI-Message-Id") || chat.headers.get(i).startsWith("X-OpenWebUI-Parent-Id")) {
                chat.headers.remove(i + 1);
                chat.headers.remove(i);
            }
        }
        chat.header("X-OpenWebUI-Message-Id", messageId).header("X-OpenWebUI-Parent-Id", parentId);
    }

    @Test
    void theChatIdHeaderKeysTheConversationAndStillDetectsRegeneration() throws Exception {
        Chat chat = new Chat("helpdesk").header("X-OpenWebUI-Chat-Id", "chat-7f3e");
        chat.say("Q1");
        chat.say("Q2");
        String conversationId = lastDifyRequest().get("conversation_id").asText();
        chat.say("Q3");
        assertThat(lastDifyRequest().get("conversation_id").asText()).isEqualTo(conversationId);
        chat.dropLastAnswer();
        chat.send();
        assertThat(lastDifyRequest().has("conversation_id")).isFalse();
        chat.messages.addObject().put("role", "assistant").put("content", "Answer 1 in conversation.");
        chat.say("Q4");
        assertThat(lastDifyRequest().get("conversation_id").asText()).as("the chat id now maps to the new conversation")
                .isNotEqualTo(conversationId);
    }

    @Test
    void aConversationDifyNoLongerKnowsIsStartedAgainWithoutTheClientNoticing() throws Exception {
        Chat chat = new Chat("helpdesk");
        chat.say("Q1");
        chat.say("Q2");
        String lost = lastDifyRequest().get("conversation_id").asText();
        dify.delete(lost);
        int before = DIFY.chatRequests().size();
        assertThat(chat.say("Q3")).isEqualTo("Answer 1 in conversation.");
        assertThat(DIFY.chatRequests()).hasSize(before + 2);
        JsonNode retried = lastDifyRequest();
        assertThat(retried.has("conversation_id")).isFalse();
        assertThat(retried.get("query").asText()).contains("**User:** Q1").contains("**User:** Q2").endsWith("Q3");
        chat.say("Q4");
        assertThat(lastDifyRequest().has("conversation_id")).isTrue();
    }

    @Test
    void conversationsAreScopedToTheUser() throws Exception {
        Chat jane = new Chat("helpdesk");
        jane.user = "jane";
        jane.say("Q1");
        Chat john = new Chat("helpdesk");
        john.user = "john";
        john.messages.removeAll();
        john.messages.addAll(jane.messages.deepCopy());
        john.say("Q2");
        JsonNode request = lastDifyRequest();
        assertThat(request.get("user").asText()).isEqualTo("john");
        assertThat(request.has("conversation_id")).as("the same history from another user is not Jane's conversation").isFalse();
    }

    @Test
    void aStatelessModelAlwaysSendsTheWholeHistory() throws Exception {
        Chat chat = new Chat("oneshot");
        chat.say("Q1");
        chat.say("Q2");
        assertThat(lastDifyRequest().has("conversation_id")).isFalse();
        assertThat(lastDifyRequest().get("query").asText()).contains("**User:** Q1").endsWith("Q2");
    }

    @Test
    void openWebUiBackgroundTasksStayOutOfTheConversation() throws Exception {
        Chat chat = new Chat("helpdesk").header("X-OpenWebUI-Chat-Id", "chat-tasks");
        chat.say("How do I reset my VPN token?");
        int conversations = dify.count();
        for (String task : List.of("task-title-generation", "task-tags-generation", "task-follow-up-generation",
                "task-web-search-query-generation")) {
            String body = Files.readString(Path.of("src/test/resources/openwebui/" + task + ".json")).replace("dify-helpdesk", "helpdesk");
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                    .header("Content-Type", "application/json").header("X-OpenWebUI-Chat-Id", "chat-tasks")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(task).isEqualTo(200);
            JsonNode completion = JSON.readTree(response.body());
            assertThat(completion.get("choices")).hasSize(1);
            assertThat(completion.at("/choices/0/message/content").asText()).isNotBlank();
            assertThat(completion.at("/choices/0/message").has("reasoning_content")).isFalse();
            JsonNode sent = lastDifyRequest();
            assertThat(sent.has("conversation_id")).as(task + " is sent without a conversation").isFalse();
        }
        chat.say("And if I lost the phone?");
        assertThat(lastDifyRequest().has("conversation_id")).as("the chat still continues its conversation").isTrue();
        assertThat(dify.count()).isEqualTo(conversations + 4);
    }

    @Test
    void aTaskHeaderMarksATaskAndATaskModelAnswersIt() throws Exception {
        DIFY.respondWith(FakeDify.transcript(Path.of("src/test/resources/transcripts/dify/agent-chat-tool-call.sse"), java.time.Duration.ZERO));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "application/json").header("X-OpenWebUI-Task", "title_generation")
                .POST(HttpRequest.BodyPublishers.ofString(chat("agent", false, "Generate a title"))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode completion = JSON.readTree(response.body());
        assertThat(DIFY.lastChatRequest().header("Authorization")).isEqualTo("Bearer app-tasks-secret");
        assertThat(completion.get("model").asText()).isEqualTo("agent");
        assertThat(completion.at("/choices/0/message").has("reasoning_content")).as("tasks get plain answers").isFalse();
        assertThat(completion.at("/choices/0/message/content").asText()).doesNotContain("<think>");

        http.send(HttpRequest.newBuilder(uri("/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chat("agent", false, "Weather?"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(DIFY.lastChatRequest().header("Authorization")).as("a normal chat goes to the model itself")
                .isEqualTo("Bearer app-agent-secret");
    }

    /** Sends one of Open WebUI's recorded task requests for a chat; returns the chat.completion. */
    private JsonNode task(String task, String model, String chatId) throws Exception {
        return task(task, model, "X-OpenWebUI-Chat-Id", chatId);
    }

    /** Sends one of Open WebUI's recorded task requests with one identifying header; returns the chat.completion. */
    private JsonNode task(String task, String model, String header, String value) throws Exception {
        String body = Files.readString(Path.of("src/test/resources/openwebui/" + task + ".json")).replace("dify-helpdesk", model);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "application/json").header(header, value)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void difyNamesTheChatAndSuggestsItsFollowUpsWhenTheModelSaysSo() throws Exception {
        DIFY.app(CONCIERGE_KEY).conversationName("VPN Token Reset").suggestions(List.of("What if I lost my phone?", "Does it work abroad?"));
        Chat chat = new Chat("concierge").header("X-OpenWebUI-Chat-Id", "chat-named-by-dify");
        chat.say("How do I reset my VPN token?");
        chat.say("Thanks. Where is the portal?");
        String conversation = lastDifyRequest().get("conversation_id").asText();
        int runs = dify.count();
        DIFY.taskRequests().clear();

        JsonNode title = task("task-title-generation", "concierge", "chat-named-by-dify");
        assertThat(JSON.readTree(title.at("/choices/0/message/content").asText())).isEqualTo(JSON.readTree("{\"title\": \"VPN Token Reset\"}"));
        assertThat(title.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(title.get("model").asText()).isEqualTo("concierge");
        FakeDify.Request naming = DIFY.taskRequests().get(0);
        assertThat(naming.path()).isEqualTo("/v1/conversations/" + conversation + "/name");
        assertThat(naming.header("Authorization")).as("the chat's app is asked, not the task model").isEqualTo("Bearer " + CONCIERGE_KEY);
        JsonNode namingBody = JSON.readTree(naming.body());
        assertThat(namingBody.get("auto_generate").asBoolean()).isTrue();
        assertThat(namingBody.get("user").asText()).isNotBlank();

        JsonNode followUps = task("task-follow-up-generation", "concierge", "chat-named-by-dify");
        assertThat(JSON.readTree(followUps.at("/choices/0/message/content").asText())).isEqualTo(JSON.readTree(
                "{\"follow_ups\": [\"What if I lost my phone?\", \"Does it work abroad?\"]}"));
        assertThat(DIFY.taskRequests()).extracting(FakeDify.Request::path).containsExactly("/v1/conversations/" + conversation + "/name",
                "/v1/messages", "/v1/messages/msg-of-" + conversation + "/suggested");
        assertThat(DIFY.taskRequests().get(1).query()).contains("conversation_id=" + conversation).contains("limit=1");
        assertThat(DIFY.taskRequests().get(2).query()).startsWith("user=");
        assertThat(dify.count()).as("neither task ran an app").isEqualTo(runs);

        chat.say("And if I lost the phone?");
        assertThat(lastDifyRequest().get("conversation_id").asText()).as("the chat still continues its conversation").isEqualTo(conversation);
    }

    @Test
    void theAnswersMessageIdAlsoFindsTheChatsDifyConversation() throws Exception {
        DIFY.app(CONCIERGE_KEY).conversationName("Printer Setup");
        Chat chat = new Chat("concierge");
        messageIds(chat, "msg-printer-1", "null");
        chat.say("How do I add the office printer?");
        messageIds(chat, "msg-printer-2", "msg-printer-1");
        chat.say("And on a Mac?");
        String conversation = lastDifyRequest().get("conversation_id").asText();
        DIFY.taskRequests().clear();

        JsonNode title = task("task-title-generation", "concierge", "X-OpenWebUI-Message-Id", "msg-printer-2");
        assertThat(JSON.readTree(title.at("/choices/0/message/content").asText()).get("title").asText()).isEqualTo("Printer Setup");
        assertThat(DIFY.taskRequests()).extracting(FakeDify.Request::path).containsExactly("/v1/conversations/" + conversation + "/name");
    }

    @Test
    void withoutDifysAnswerTheTaskModelAnswersAsUsual() throws Exception {
        DIFY.app(CONCIERGE_KEY).conversationName("VPN Token Reset").suggestions(null);
        Chat chat = new Chat("concierge").header("X-OpenWebUI-Chat-Id", "chat-without-suggestions");
        chat.say("How do I reset my VPN token?");
        DIFY.taskRequests().clear();

        JsonNode followUps = task("task-follow-up-generation", "concierge", "chat-without-suggestions");
        assertThat(followUps.at("/choices/0/message/content").asText()).isNotBlank();
        assertThat(DIFY.lastChatRequest().header("Authorization")).as("suggested questions are off: the task model answers")
                .isEqualTo("Bearer app-tasks-secret");
        assertThat(DIFY.taskRequests()).as("Dify was asked first").last().extracting(FakeDify.Request::path).asString().endsWith("/suggested");

        DIFY.taskRequests().clear();
        task("task-tags-generation", "concierge", "chat-without-suggestions");
        task("task-title-generation", "concierge", "a-chat-dify-never-saw");
        assertThat(DIFY.taskRequests()).as("tags are not Dify's; an unknown chat has no conversation to ask about").isEmpty();
        assertThat(DIFY.lastChatRequest().header("Authorization")).isEqualTo("Bearer app-tasks-secret");
    }

    @Test
    void theDifyUserComesFromOpenWebUiHeadersThenTheUserField() throws Exception {
        Chat byId = new Chat("oneshot").header("X-OpenWebUI-User-Id", "8f6b0c3e").header("X-OpenWebUI-User-Email", "jane@example.com");
        byId.user = "ignored";
        byId.say("hi");
        assertThat(lastDifyRequest().get("user").asText()).isEqualTo("8f6b0c3e");

        Chat byEmail = new Chat("oneshot").header("X-OpenWebUI-User-Email", "jane%40example.com");
        byEmail.say("hi");
        assertThat(lastDifyRequest().get("user").asText()).isEqualTo("jane@example.com");

        Chat byField = new Chat("oneshot");
        byField.user = "sdk-user-42";
        byField.say("hi");
        assertThat(lastDifyRequest().get("user").asText()).isEqualTo("sdk-user-42");
    }
}
