package io.difygateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Runs the whole gateway on a random port (the committed config/application.yaml and routes/ folder, nothing
 * else from config/) in front of one shared {@link FakeDify}, with these models:
 * {@code helpdesk} (chat), {@code agent} (agent-chat, named by its /info), {@code flow} (advanced-chat, with
 * fixed inputs), {@code offline} (a Dify that refuses connections), {@code summarize} (workflow with an input
 * form), {@code writer} (completion), {@code strict} (workflow with a required input nobody fills),
 * {@code vision} (chat that accepts images), {@code slowinfo} (chat whose /info hangs), {@code oneshot} (chat
 * without conversation reuse, refusing client tools), {@code tasks} (answers {@code agent}'s background tasks),
 * {@code concierge} (chat whose title and follow-up tasks Dify answers, task-answers: dify, else {@code tasks}), {@code patient} (chat with
 * a first-event timeout of 1 s and an idle timeout of 10 s), {@code vllm} (an
 * OpenAI-compatible server), {@code local} (Ollama's native API), {@code claude} and {@code claude-tuned} (Anthropic's
 * Messages API, with default options and with its own) and {@code azure} and {@code azure-prod} (Azure OpenAI
 * deployments), the last six also served by the fake, and {@code voice} (configured as a chat app, a Dify 1.16 Agent app by its
 * /info, with speech to text and text to speech on and a web site title) and {@code vllm-muted} (the OpenAI-compatible server with audio: false).
 * All test classes share one Spring context.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.location=file:config/application.yaml",
        "gateway.env-model.base-url=",
        "gateway.upstream.timeouts.connect=2s",
        "gateway.upstream.timeouts.first-event=2s",
        "gateway.upstream.timeouts.idle=2s",
        "gateway.upstream.retry-backoff=50ms",
        "gateway.default-user=gateway-test-user",
        "gateway.max-request-size=64KB",
})
public abstract class GatewayTestBase {

    public static final String HELPDESK_KEY = "app-helpdesk-secret-0123456789";
    /** The key of {@code concierge}, whose app names its conversations and suggests questions after answers. */
    public static final String CONCIERGE_KEY = "app-concierge-secret";
    public static final FakeDify DIFY = startDify();

    static {
        DIFY.app("app-agent-secret").info("{\"name\": \"Weather Agent\", \"description\": \"Answers weather questions\", \"tags\": [], \"mode\": \"agent-chat\"}");
        DIFY.app("app-workflow-secret").parameters("""
                {"user_input_form": [
                  {"paragraph": {"label": "Document", "variable": "document", "required": true, "default": ""}},
                  {"select": {"label": "Language", "variable": "language", "required": true, "default": "English", "options": ["English", "German"]}},
                  {"text-input": {"label": "Audience", "variable": "audience", "required": true, "default": "", "max_length": 48}},
                  {"file-list": {"label": "Appendix", "variable": "appendix", "required": false, "max_length": 3,
                                 "allowed_file_types": ["image", "document"], "allowed_file_upload_methods": ["local_file", "remote_url"]}}
                 ],
                 "file_upload": {"enabled": false}}""");
        DIFY.app("app-completion-secret").parameters("""
                {"user_input_form": [{"paragraph": {"label": "Query", "variable": "query", "required": true, "max_length": 200}},
                                     {"text-input": {"label": "Tone", "variable": "tone", "required": false, "default": "friendly"}}],
                 "file_upload": {"image": {"enabled": false}}}""");
        DIFY.app("app-strict-secret").parameters("""
                {"user_input_form": [{"text-input": {"label": "Ticket", "variable": "ticket", "required": true}},
                                     {"text-input": {"label": "Customer ID", "variable": "customer_id", "required": true}}]}""");
        DIFY.app("app-vision-secret").parameters("""
                {"user_input_form": [],
                 "file_upload": {"enabled": true, "allowed_file_types": ["image", "document"], "number_limits": 2,
                                 "allowed_file_upload_methods": ["remote_url", "local_file"],
                                 "image": {"enabled": true, "number_limits": 2, "transfer_methods": ["remote_url", "local_file"]}}}""");
        DIFY.app("app-slowinfo-secret").infoDelay(java.time.Duration.ofSeconds(20));
        DIFY.app("app-voice-secret").info("{\"name\": \"voice-agent-v2\", \"description\": \"\", \"tags\": [], \"mode\": \"agent\"}")
                .site("{\"title\": \"Voice Desk\", \"description\": \"Answers IT questions by voice\", \"default_language\": \"en-US\"}")
                .parameters("""
                {"user_input_form": [], "file_upload": {"enabled": false},
                 "speech_to_text": {"enabled": true}, "text_to_speech": {"enabled": true, "voice": "sambert-zhiying-v1", "language": "en-US"}}""");
    }

    @LocalServerPort
    protected int port;

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        registry.add("gateway.models.helpdesk.base-url", DIFY::baseUrl);
        registry.add("gateway.models.helpdesk.api-key", () -> HELPDESK_KEY);
        registry.add("gateway.models.helpdesk.app-type", () -> "chat");
        registry.add("gateway.models.helpdesk.display-name", () -> "IT Helpdesk");
        registry.add("gateway.models.agent.base-url", DIFY::baseUrl);
        registry.add("gateway.models.agent.api-key", () -> "app-agent-secret");
        registry.add("gateway.models.agent.app-type", () -> "agent-chat");
        registry.add("gateway.models.flow.base-url", DIFY::baseUrl);
        registry.add("gateway.models.flow.api-key", () -> "app-flow-secret");
        registry.add("gateway.models.flow.app-type", () -> "advanced-chat");
        registry.add("gateway.models.flow.inputs.department", () -> "sales");
        registry.add("gateway.models.offline.base-url", () -> "http://127.0.0.1:9/v1");
        registry.add("gateway.models.offline.api-key", () -> "app-offline-secret");
        model(registry, "summarize", "workflow", "app-workflow-secret");
        registry.add("gateway.models.summarize.inputs.audience", () -> "customers");
        model(registry, "writer", "completion", "app-completion-secret");
        model(registry, "strict", "workflow", "app-strict-secret");
        registry.add("gateway.models.strict.query-input", () -> "ticket");
        model(registry, "vision", "chat", "app-vision-secret");
        model(registry, "slowinfo", "chat", "app-slowinfo-secret");
        model(registry, "oneshot", "chat", "app-oneshot-secret");
        registry.add("gateway.models.oneshot.conversation", () -> "stateless");
        registry.add("gateway.models.oneshot.tools", () -> "reject");
        model(registry, "tasks", "chat", "app-tasks-secret");
        model(registry, "voice", "chat", "app-voice-secret");
        registry.add("gateway.models.agent.task-model", () -> "tasks");
        model(registry, "concierge", "chat", CONCIERGE_KEY);
        registry.add("gateway.models.concierge.task-answers", () -> "dify");
        registry.add("gateway.models.concierge.task-model", () -> "tasks");
        model(registry, "patient", "chat", "app-patient-secret");
        registry.add("gateway.models.patient.timeouts.first-event", () -> "1s");
        registry.add("gateway.models.patient.timeouts.idle", () -> "10s");
        registry.add("gateway.models.vllm.backend", () -> "openai");
        registry.add("gateway.models.vllm.base-url", DIFY::baseUrl);
        registry.add("gateway.models.vllm.api-key", () -> "sk-upstream-vllm-key");
        registry.add("gateway.models.vllm.upstream-model", () -> "meta-llama/Llama-3.1-8B-Instruct");
        registry.add("gateway.models.local.backend", () -> "ollama");
        registry.add("gateway.models.local.base-url", DIFY::origin);
        registry.add("gateway.models.local.upstream-model", () -> "llama3.2");
        otherBackend(registry, "claude", "anthropic", "sk-ant-test-key", "claude-sonnet-4-5");
        otherBackend(registry, "claude-tuned", "anthropic", "sk-ant-test-key", "claude-haiku-4-5");
        registry.add("gateway.models.claude-tuned.options.max-tokens", () -> "1024");
        registry.add("gateway.models.claude-tuned.options.anthropic-version", () -> "2023-01-01");
        registry.add("gateway.models.vllm-muted.backend", () -> "openai");
        registry.add("gateway.models.vllm-muted.base-url", DIFY::baseUrl);
        registry.add("gateway.models.vllm-muted.audio", () -> "false");
        otherBackend(registry, "azure", "azure-openai", "azure-test-key", "gpt-4o");
        registry.add("gateway.models.azure.options.api-version", () -> "2025-01-01-preview");
        otherBackend(registry, "azure-prod", "azure-openai", "azure-test-key", null);
        registry.add("gateway.models.azure-prod.options.deployment", () -> "gpt-4o-prod");
    }

    private static void otherBackend(DynamicPropertyRegistry registry, String id, String backend, String key, String upstreamModel) {
        registry.add("gateway.models." + id + ".backend", () -> backend);
        registry.add("gateway.models." + id + ".base-url", DIFY::origin);
        registry.add("gateway.models." + id + ".api-key", () -> key);
        if (upstreamModel != null) {
            registry.add("gateway.models." + id + ".upstream-model", () -> upstreamModel);
        }
    }

    private static void model(DynamicPropertyRegistry registry, String id, String appType, String key) {
        registry.add("gateway.models." + id + ".base-url", DIFY::baseUrl);
        registry.add("gateway.models." + id + ".api-key", () -> key);
        registry.add("gateway.models." + id + ".app-type", () -> appType);
    }

    private static FakeDify startDify() {
        try {
            return new FakeDify();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Autowired
    @Qualifier("warmUp")
    private HealthIndicator warmUp;

    /** Tests start once the start-up warm-up's requests are through, as traffic would behind a readiness probe. */
    @BeforeEach
    void awaitWarmUp() {
        Readiness.awaitWarmUp(warmUp);
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    protected HttpResponse<String> postJson(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A chat request body with one user message. */
    protected static String chat(String model, boolean stream, String message) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + message + "\"}]}";
    }
}
