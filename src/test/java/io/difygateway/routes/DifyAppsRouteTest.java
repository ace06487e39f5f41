package io.difygateway.routes;

import static io.difygateway.routes.ChatCompletionsRouteTest.assertOpenAiError;
import static io.difygateway.support.OpenAiStreams.chunks;
import static io.difygateway.support.OpenAiStreams.content;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.FakeDify;
import io.difygateway.support.OpenAiStreams;
import io.difygateway.support.GatewayTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Workflow and completion apps, input forms, files in, and app names from Dify, through the real routes. */
class DifyAppsRouteTest extends GatewayTestBase {

    private static final Path TRANSCRIPTS = Path.of("src/test/resources/transcripts/dify");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    @AfterEach
    void uploadsSucceedAgain() {
        DIFY.failUploadsWith(null);
    }

    private static String imageMessage(String model, String... urls) {
        StringBuilder parts = new StringBuilder("{\"type\":\"text\",\"text\":\"What is in this picture?\"}");
        for (String url : urls) {
            parts.append(",{\"type\":\"image_url\",\"image_url\":{\"url\":\"").append(url).append("\"}}");
        }
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":"
                + "\"https://example.com/earlier.png\"}},{\"type\":\"text\",\"text\":\"earlier\"}]},{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "{\"role\":\"user\",\"content\":[" + parts + "]}]}";
    }

    @Test
    void aWorkflowRunGetsTheMessageInItsTextInputWithFormDefaultsAndConfiguredInputs() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("workflow-run.sse"), Duration.ZERO));
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("summarize", true, "Our refund policy text"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(content(chunks(response.body()))).startsWith("Annual plans: full refund within 30 days");

        FakeDify.Request request = DIFY.lastChatRequest();
        assertThat(request.path()).isEqualTo("/v1/workflows/run");
        assertThat(request.header("Authorization")).isEqualTo("Bearer app-workflow-secret");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("inputs")).isEqualTo(JSON.readTree(
                "{\"language\":\"English\",\"audience\":\"customers\",\"document\":\"Our refund policy text\"}"));
        assertThat(body.get("response_mode").asText()).isEqualTo("streaming");
        assertThat(body.get("user").asText()).isEqualTo("gateway-test-user");
        assertThat(body.has("query")).isFalse();
        assertThat(body.has("auto_generate_name")).isFalse();
    }

    @Test
    void aWorkflowThatStreamedNoTextAnswersWithItsOutputs() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("workflow-outputs-only.sse"), Duration.ZERO));
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("summarize", false, "VPN broken"));
        JsonNode completion = JSON.readTree(response.body());
        assertThat(completion.at("/choices/0/message/content").asText()).startsWith("**category**: network").contains("\"team\" : \"NetOps\"");
        assertThat(completion.at("/usage/prompt_tokens").asLong()).isEqualTo(80);
    }

    @Test
    void aFailedWorkflowIsAnErrorWithDifysText() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("workflow-failed.sse"), Duration.ZERO));
        assertOpenAiError(postJson("/v1/chat/completions", chat("summarize", false, "x")), 502, "workflow_failed",
                "Reached maximum retries");
        // nothing but Dify's first ping came before the failure: a streaming client gets the HTTP error too
        assertOpenAiError(postJson("/v1/chat/completions", chat("summarize", true, "x")), 502, "workflow_failed", "Fetch CRM");
    }

    @Test
    void aCompletionAppGetsTheMessageInItsQueryInput() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("completion.sse"), Duration.ZERO));
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("writer", false, "Write the refund mail"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText()).isNotBlank();
        FakeDify.Request request = DIFY.lastChatRequest();
        assertThat(request.path()).isEqualTo("/v1/completion-messages");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("inputs")).isEqualTo(JSON.readTree("{\"tone\":\"friendly\",\"query\":\"Write the refund mail\"}"));
        assertThat(body.has("query")).isFalse();
    }

    @Test
    void aRequiredInputWithoutValueIsA400NamingItBeforeDifyIsCalled() throws Exception {
        int before = DIFY.chatRequests().size();
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("strict", true, "Ticket 42"));
        assertOpenAiError(response, 400, "missing_input", "'customer_id' (Customer ID)");
        assertThat(JSON.readTree(response.body()).at("/error/param").asText()).isEqualTo("inputs.customer_id");
        assertThat(DIFY.chatRequests()).hasSize(before);
    }

    @Test
    void dataUriImagesOfTheLastMessageAreUploadedAndUrlsPassedOn() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ZERO));
        int uploadsBefore = DIFY.uploads().size();
        HttpResponse<String> response = postJson("/v1/chat/completions",
                imageMessage("vision", "data:image/png;base64," + PNG, "https://example.com/chart.png"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        assertThat(DIFY.uploads()).hasSize(uploadsBefore + 1);
        FakeDify.Request upload = DIFY.uploads().get(DIFY.uploads().size() - 1);
        assertThat(upload.header("Authorization")).isEqualTo("Bearer app-vision-secret");
        assertThat(upload.header("Content-Type")).startsWith("multipart/form-data;").contains("boundary=");
        assertThat(upload.body()).contains("name=\"file\"; filename=\"image-1.png\"").contains("Content-Type: image/png")
                .contains("name=\"user\"").contains("gateway-test-user");
        assertThat(upload.body()).contains(new String(Base64.getDecoder().decode(PNG), java.nio.charset.StandardCharsets.ISO_8859_1));

        JsonNode files = JSON.readTree(DIFY.lastChatRequest().body()).get("files");
        assertThat(files).hasSize(2);
        assertThat(files.get(0)).isEqualTo(JSON.readTree(
                "{\"type\":\"image\",\"transfer_method\":\"remote_url\",\"url\":\"https://example.com/chart.png\"}"));
        assertThat(files.get(1).get("transfer_method").asText()).isEqualTo("local_file");
        assertThat(files.get(1).get("upload_file_id").asText()).isEqualTo("upload-" + DIFY.uploads().size());
        assertThat(JSON.readTree(DIFY.lastChatRequest().body()).get("query").asText()).endsWith("What is in this picture?");
    }

    @Test
    void aWorkflowsFileInputGetsTheAttachmentsThoughItsUploadFeatureIsOff() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("workflow-run.sse"), Duration.ZERO));
        HttpResponse<String> response = postJson("/v1/chat/completions",
                imageMessage("summarize", "data:image/png;base64," + PNG, "https://example.com/chart.png"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode appendix = JSON.readTree(DIFY.lastChatRequest().body()).at("/inputs/appendix");
        assertThat(appendix).hasSize(2);
        assertThat(appendix.get(0).get("url").asText()).isEqualTo("https://example.com/chart.png");
        assertThat(appendix.get(1).get("upload_file_id").asText()).isEqualTo("upload-" + DIFY.uploads().size());
    }

    @Test
    void aLimitedTextInputGetsTheLastMessageAloneAndAMessageTooLongIsA400BeforeDify() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("completion.sse"), Duration.ZERO));
        String longTurn = "The customer wrote a long complaint about the refund. ".repeat(5);
        String history = "{\"model\":\"writer\",\"messages\":[{\"role\":\"user\",\"content\":\"" + longTurn + "\"},"
                + "{\"role\":\"assistant\",\"content\":\"" + longTurn + "\"},{\"role\":\"user\",\"content\":\"Now write the reply.\"}]}";
        HttpResponse<String> fitted = postJson("/v1/chat/completions", history);
        assertThat(fitted.statusCode()).as("the fake Dify refuses inputs over their max_length: " + fitted.body()).isEqualTo(200);
        assertThat(JSON.readTree(DIFY.lastChatRequest().body()).at("/inputs/query").asText())
                .as("a completion app is single-turn: the last message alone").isEqualTo("Now write the reply.");

        int calls = DIFY.chatRequests().size();
        HttpResponse<String> tooLong = postJson("/v1/chat/completions", chat("writer", false, "x".repeat(201)));
        assertOpenAiError(tooLong, 400, "input_too_long", "200");
        assertThat(JSON.readTree(tooLong.body()).at("/error/param").asText()).isEqualTo("inputs.query");
        assertThat(DIFY.chatRequests()).as("Dify is not called").hasSize(calls);
    }

    @Test
    void openWebUisImageRequestIsReplayedAsAnUploadedImage() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ZERO));
        String body = java.nio.file.Files.readString(Path.of("src/test/resources/openwebui/chat-stream-image-data-uri.json"))
                .replace("dify-helpdesk", "vision");
        HttpResponse<String> response = postJson("/v1/chat/completions", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
        JsonNode sent = JSON.readTree(DIFY.lastChatRequest().body());
        assertThat(sent.at("/files/0/transfer_method").asText()).isEqualTo("local_file");
        assertThat(sent.get("query").asText()).startsWith("### Instructions\nYou are ACME Corp's internal IT helpdesk assistant.")
                .endsWith("What does the error dialog in this screenshot mean?");
    }

    @Test
    void aFilePartIsUploadedAsADocument() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ZERO));
        String pdf = Base64.getEncoder().encodeToString("%PDF-1.4 fake".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"model\":\"vision\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"Summarise\"},{\"type\":\"file\",\"file\":{\"filename\":\"policy.pdf\","
                + "\"file_data\":\"data:application/pdf;base64," + pdf + "\"}}]}]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(DIFY.uploads().get(DIFY.uploads().size() - 1).body()).contains("filename=\"policy.pdf\"").contains("application/pdf");
        assertThat(JSON.readTree(DIFY.lastChatRequest().body()).at("/files/0/type").asText()).isEqualTo("document");
    }

    @Test
    void imagesForAnAppWithoutFileUploadAreA400() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ZERO));
        postJson("/v1/chat/completions", chat("helpdesk", false, "warm up the app's settings"));
        int before = DIFY.chatRequests().size();
        assertOpenAiError(postJson("/v1/chat/completions", imageMessage("helpdesk", "data:image/png;base64," + PNG)),
                400, "unsupported_file", "does not accept images");
        assertOpenAiError(postJson("/v1/chat/completions", imageMessage("vision", "https://e.com/1.png", "https://e.com/2.png",
                "https://e.com/3.png")), 400, "unsupported_file", "at most 2 files");
        assertThat(DIFY.chatRequests()).hasSize(before);
    }

    @Test
    void aFailedUploadIsAClearError() throws Exception {
        DIFY.failUploadsWith(FakeDify.error(413, "{\"code\": \"file_too_large\", \"message\": \"\", \"status\": 413}\n", Map.of()));
        int before = DIFY.chatRequests().size();
        assertOpenAiError(postJson("/v1/chat/completions", imageMessage("vision", "data:image/png;base64," + PNG)),
                413, "file_too_large", "image-1.png");
        DIFY.failUploadsWith(FakeDify.error(415, "{\"code\": \"unsupported_file_type\", \"message\": \"File type not allowed.\", \"status\": 415}\n", Map.of()));
        assertOpenAiError(postJson("/v1/chat/completions", imageMessage("vision", "data:image/png;base64," + PNG)),
                400, "invalid_value", "File type not allowed.");
        assertThat(DIFY.chatRequests()).hasSize(before);
    }

    @Test
    void modelNamesComeFromDifyAndASlowDifyDoesNotSlowTheModelList() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode agent = null;
        while (System.nanoTime() < deadline) {
            long start = System.nanoTime();
            HttpResponse<String> response = get("/v1/models");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("GET /v1/models while an app's /info hangs")
                    .isLessThan(Duration.ofSeconds(1));
            for (JsonNode model : JSON.readTree(response.body()).get("data")) {
                if ("agent".equals(model.get("id").asText())) {
                    agent = model;
                }
            }
            if (agent != null && "Weather Agent".equals(agent.get("name").asText())) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(agent.get("name").asText()).isEqualTo("Weather Agent");
        assertThat(agent.get("description").asText()).isEqualTo("Answers weather questions");
        JsonNode models = JSON.readTree(get("/v1/models").body()).get("data");
        for (JsonNode model : models) {
            if ("helpdesk".equals(model.get("id").asText())) {
                assertThat(model.get("name").asText()).as("a configured display-name wins").isEqualTo("IT Helpdesk");
            }
            if ("slowinfo".equals(model.get("id").asText())) {
                assertThat(model.get("name").asText()).isEqualTo("slowinfo");
            }
        }
    }

    private static String workflowFrame(String id, String event, String data) {
        return "id: " + id + "\ndata: {\"event\":\"" + event + "\",\"workflow_run_id\":\"run-77\",\"task_id\":\"task-77\",\"data\":" + data + "}\n\n";
    }

    @Test
    void aWorkflowStreamCutBeforeItsEndIsResumedFromTheLastCursor() throws Exception {
        // a draining worker says so before the stream ends (newest Dify); the frame carries no cursor
        DIFY.respondWith(FakeDify.stream(List.of(workflowFrame("1-0", "workflow_started", "{\"id\":\"run-77\"}"),
                workflowFrame("2-0", "text_chunk", "{\"text\":\"Refunds within \"}"),
                "data: {\"event\":\"workflow_maintenance_paused\",\"task_id\":\"task-77\",\"workflow_run_id\":\"run-77\"}\n\n"),
                Duration.ZERO));
        DIFY.resumeWith(FakeDify.stream(List.of(workflowFrame("2-0", "text_chunk", "{\"text\":\"Refunds within \"}"),
                workflowFrame("3-0", "text_chunk", "{\"text\":\"30 days.\"}"),
                workflowFrame("4-0", "workflow_finished", "{\"status\":\"succeeded\",\"outputs\":{},\"total_tokens\":9}")), Duration.ZERO));
        int resumes = DIFY.resumeRequests().size();
        try {
            HttpResponse<String> response = postJson("/v1/chat/completions", chat("summarize", true, "Refunds?"));
            List<JsonNode> chunks = OpenAiStreams.chunks(response.body());
            assertThat(OpenAiStreams.content(chunks)).as("the repeated event is shown once").isEqualTo("Refunds within 30 days.");
            assertThat(chunks).anyMatch(chunk -> "stop".equals(chunk.at("/choices/0/finish_reason").asText()));
            FakeDify.Request resume = DIFY.resumeRequests().get(resumes);
            assertThat(resume.path()).isEqualTo("/v1/workflow/run-77/events");
            assertThat(resume.query()).isEqualTo("user=gateway-test-user&cursor=2-0");
            assertThat(resume.header("Authorization")).isEqualTo("Bearer app-workflow-secret");
        } finally {
            DIFY.resumeWith(FakeDify.error(404, "{\"code\": \"not_found\", \"status\": 404}", java.util.Map.of()));
        }
    }

    @Test
    void aRunDifyHandedOffIsReadFromItsEvents() throws Exception {
        DIFY.respondWith(FakeDify.error(202, "{\"result\": \"accepted\", \"workflow_run_id\": \"run-77\"}",
                java.util.Map.of("Retry-After", "1", "X-Workflow-Run-ID", "run-77")));
        DIFY.resumeWith(FakeDify.stream(List.of(workflowFrame("1-0", "workflow_started", "{\"id\":\"run-77\"}"),
                workflowFrame("2-0", "text_chunk", "{\"text\":\"Refunds within 30 days.\"}"),
                workflowFrame("3-0", "workflow_finished", "{\"status\":\"succeeded\",\"outputs\":{},\"total_tokens\":9}")), Duration.ZERO));
        int resumes = DIFY.resumeRequests().size();
        try {
            HttpResponse<String> response = postJson("/v1/chat/completions", chat("summarize", false, "Refunds?"));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode completion = JSON.readTree(response.body());
            assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Refunds within 30 days.");
            assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
            FakeDify.Request events = DIFY.resumeRequests().get(resumes);
            assertThat(events.path()).isEqualTo("/v1/workflow/run-77/events");
            assertThat(events.query()).as("from the run's first event").isEqualTo("user=gateway-test-user");
        } finally {
            DIFY.resumeWith(FakeDify.error(404, "{\"code\": \"not_found\", \"status\": 404}", java.util.Map.of()));
        }
    }

    @Test
    void aHandOffWithoutTheRunsEventsIsAnErrorNotAnEmptyAnswer() throws Exception {
        DIFY.respondWith(FakeDify.error(202, "{\"result\": \"accepted\"}", java.util.Map.of("X-Workflow-Run-ID", "run-78")));
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("summarize", false, "Refunds?"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
        assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("upstream_stream_truncated");
    }

    @Test
    void aCutStreamThatCannotBeResumedEndsWithAnError() throws Exception {
        DIFY.respondWith(FakeDify.stream(List.of(workflowFrame("1-0", "workflow_started", "{\"id\":\"run-77\"}"),
                workflowFrame("2-0", "text_chunk", "{\"text\":\"Refunds within \"}")), Duration.ZERO));
        int resumes = DIFY.resumeRequests().size();
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("summarize", true, "Refunds?"));
        List<JsonNode> chunks = OpenAiStreams.chunks(response.body());
        assertThat(chunks.get(chunks.size() - 1).at("/error/code").asText()).isEqualTo("upstream_stream_truncated");
        assertThat(chunks.get(chunks.size() - 1).at("/error/message").asText()).contains("could not be resumed");
        assertThat(DIFY.resumeRequests()).as("an endpoint that is not there is asked once").hasSize(resumes + 1);
    }

    @Test
    void anAgentAppFoundByItsInfoIsReadAsOneAndItsSiteTitleNamesTheModel() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("agent-app.sse"), Duration.ZERO));
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("voice", false, "How do I reset my VPN token?"));
        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText())
                .as("the closing message repeats the streamed answer and is not shown twice").isEqualTo("Open the self-service portal and choose Reset token.");
        JsonNode model = JSON.readTree(get("/v1/models/voice").body());
        assertThat(model.get("name").asText()).isEqualTo("Voice Desk");
        assertThat(model.get("description").asText()).isEqualTo("Answers IT questions by voice");
    }
}
