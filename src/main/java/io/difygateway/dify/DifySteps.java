package io.difygateway.dify;

import static io.difygateway.frontdoor.GatewayVariables.BACKGROUND_TASK;
import static io.difygateway.frontdoor.GatewayVariables.CHAT_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.AUDIO_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.COMPLETION;
import static io.difygateway.frontdoor.GatewayVariables.CONTINUED_CONVERSATION;
import static io.difygateway.frontdoor.GatewayVariables.END_USER;
import static io.difygateway.frontdoor.GatewayVariables.MODEL;
import static io.difygateway.frontdoor.GatewayVariables.TRANSCRIPT;

import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.completion.ChatCompletion;
import io.difygateway.config.ModelDefinition;
import io.difygateway.conversation.Conversation;
import io.difygateway.conversation.ConversationTracker;
import io.difygateway.errors.OpenAiException;
import io.difygateway.frontdoor.AudioRequests;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.observability.GatewayMetrics;
import io.difygateway.upstream.AudioTypes;
import io.difygateway.upstream.BackendSteps;
import io.difygateway.sse.UpstreamEvents;
import io.difygateway.upstream.EventMapper;
import org.apache.camel.Exchange;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.camel.Message;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Dify backend's route steps (routes/backends/dify.camel.yaml) as named processors and predicates over flat
 * exchange variables: the front door's, the shared blocks' {@code upstreamUrl} and {@code eventMapper}, and
 * {@code conversation}, {@code difyCall}, {@code difyUploads}, {@code difyUpload}, {@code difyFiles}.
 */
@Configuration(proxyBeanMethods = false)
public class DifySteps {

    static final String CONVERSATION = "conversation";
    static final String CALL = "difyCall";
    static final String UPLOADS = "difyUploads";
    static final String UPLOAD = "difyUpload";
    static final String FILES = "difyFiles";

    /** chatRequest, model, endUser, headers, backgroundTask, continuedConversation → conversation (continued, or a new one). */
    @Bean
    Processor difyOpenConversation(ConversationTracker conversations) {
        return exchange -> exchange.setVariable(CONVERSATION, conversations.open(chatRequest(exchange), model(exchange),
                exchange.getVariable(END_USER, String.class), exchange.getMessage().getHeaders(), backgroundTask(exchange),
                exchange.getVariable(CONTINUED_CONVERSATION, String.class)));
    }

    /**
     * chatRequest, model → a 400 tools_not_supported for a request with tools to a model with {@code tools: reject};
     * else tools are left out (the app's own tools and knowledge answer) and counted.
     */
    @Bean
    Processor difyToolsPolicy(GatewayMetrics metrics) {
        return exchange -> {
            ChatCompletionRequest request = chatRequest(exchange);
            JsonNode tools = request.raw() == null ? null : request.raw().get("tools");
            if (tools == null || !tools.isArray() || tools.isEmpty()) {
                return;
            }
            ModelDefinition model = model(exchange);
            if (model.dify().rejectTools()) {
                throw new OpenAiException(400, "invalid_request_error", "tools_not_supported", "tools", "Model '" + model.id()
                        + "' is a Dify app, which cannot call the client's tools; send the request without tools"
                        + " (in Open WebUI: set the model's Function Calling to Legacy).");
            }
            metrics.toolsIgnored(model.id());
        };
    }

    /** Exchange variable: this run's {@link DifyStreamState}, for resuming a cut stream and checking its end. */
    static final String DIFY_STREAM = "difyStream";
    /** Most times a cut chatflow or workflow stream is read again. */
    static final int MAX_RESUMES = 2;

    /** Dify's limit for an uploaded audio file. */
    private static final long DIFY_AUDIO_LIMIT = 30L * 1024 * 1024;

    /**
     * model, audioRequest (transcription), endUser → body: Dify's audio-to-text form (the file typed by its name, the
     * user), upstreamUrl, upstreamTimeoutMillis; 400 when the app has speech to text off, 413 over Dify's 30 MB.
     */
    @Bean
    Processor difyTranscriptionBody(DifyAppCatalog apps) {
        return exchange -> {
            ModelDefinition model = model(exchange);
            audioSettings(apps, model, true);
            AudioRequests.TranscriptionRequest request = exchange.getVariable(AUDIO_REQUEST, AudioRequests.TranscriptionRequest.class);
            if (request.audio().length > DIFY_AUDIO_LIMIT) {
                throw new OpenAiException(413, "invalid_request_error", "file_too_large", "file", "The audio file has "
                        + request.audio().length / (1024 * 1024) + " MB; the Dify app of model '" + model.id() + "' takes at most 30 MB.");
            }
            exchange.getMessage().setBody(MultipartEntityBuilder.create()
                    .addBinaryBody("file", request.audio(), ContentType.create(AudioTypes.of(request.filename())), request.filename())
                    .addTextBody("user", exchange.getVariable(END_USER, String.class), ContentType.TEXT_PLAIN.withCharset("UTF-8")).build());
            exchange.setVariable(BackendSteps.UPSTREAM_URL, model.baseUrl() + "/audio-to-text");
            exchange.setVariable(BackendSteps.UPSTREAM_TIMEOUT_MILLIS, model.socketMillis());
        };
    }

    /** The app's voice settings; a 400 model_not_audio_capable when the feature asked for is off. */
    private static DifyAppMetadata.AudioSettings audioSettings(DifyAppCatalog apps, ModelDefinition model, boolean speechToText) {
        DifyAppMetadata.AudioSettings audio = apps.metadata(model).audio();
        if (audio == null || !(speechToText ? audio.speechToText() : audio.textToSpeech())) {
            throw OpenAiException.modelNotAudioCapable(model.id(), speechToText, "its Dify app has "
                    + (speechToText ? "speech to text" : "text to speech") + " turned off.");
        }
        return audio;
    }

    /** body (Dify's {"text"}) → transcript. */
    @Bean
    Processor difyTranscript(ObjectMapper json) {
        return exchange -> exchange.setVariable(TRANSCRIPT, json.readTree(exchange.getMessage().getBody(InputStream.class)).path("text").asText(""));
    }

    /**
     * model, audioRequest (speech), endUser → body: Dify's text-to-audio request (the voice asked for, else the app's),
     * upstreamUrl, upstreamTimeoutMillis; 400 when the app has text to speech off.
     */
    @Bean
    Processor difySpeechBody(DifyAppCatalog apps, ObjectMapper json) {
        return exchange -> {
            ModelDefinition model = model(exchange);
            DifyAppMetadata.AudioSettings audio = audioSettings(apps, model, false);
            AudioRequests.SpeechRequest request = exchange.getVariable(AUDIO_REQUEST, AudioRequests.SpeechRequest.class);
            ObjectNode body = json.createObjectNode().put("text", request.input()).put("user", exchange.getVariable(END_USER, String.class));
            String voice = request.voice() != null ? request.voice() : audio.voice();
            if (voice != null) {
                body.put("voice", voice);
            }
            exchange.getMessage().setBody(json.writeValueAsString(body));
            exchange.setVariable(BackendSteps.UPSTREAM_URL, model.baseUrl() + "/text-to-audio");
            exchange.setVariable(BackendSteps.UPSTREAM_TIMEOUT_MILLIS, model.socketMillis());
        };
    }

    /** model → true when the app's /info and /parameters have not been read yet (or a failed read may be retried). */
    @Bean
    Predicate difyAppUnread(DifyAppCatalog catalog) {
        return exchange -> catalog.needsRead(model(exchange));
    }

    /** model → difyCall: the attempts and base URLs of this request's run call. */
    @Bean
    Processor difyStartCall(DifyCalls calls) {
        return exchange -> exchange.setVariable(CALL, calls.start(model(exchange)));
    }

    /** difyCall → true while a (first or further) attempt is due. */
    @Bean
    Predicate difyCallAgain(DifyCalls calls) {
        return exchange -> calls.again(call(exchange));
    }

    /** difyCall, HTTP status, body → a proxy's 502/503 marks one more attempt (the answer is dropped). */
    @Bean
    Processor difyCallAnswered(DifyCalls calls) {
        return exchange -> calls.answered(call(exchange), status(exchange), body(exchange));
    }

    /** difyCall, the caught exception → one more attempt where nothing can have run, else the exception again. */
    @Bean
    Processor difyCallFailed(DifyCalls calls) {
        return exchange -> calls.failed(call(exchange), exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    /** conversation, HTTP status → true when Dify no longer knows the continued conversation (404). */
    @Bean
    Predicate difyConversationLost(ConversationTracker conversations) {
        return exchange -> conversations.lost(conversation(exchange), status(exchange));
    }

    /** body, conversation → the 404 answer dropped; the conversation starts afresh with the whole history. */
    @Bean
    Processor difyStartOver(DifyErrorMapper errors, ConversationTracker conversations) {
        return exchange -> {
            errors.discard(body(exchange));
            conversations.startOver(conversation(exchange));
        };
    }

    /** HTTP status, Content-Type, Retry-After, body → nothing for an event stream, else the closest OpenAI error. */
    @Bean
    Processor difyCheckAnswer(DifyErrorMapper errors) {
        return exchange -> {
            Message message = exchange.getMessage();
            DifyStreamState state = exchange.getVariable(DIFY_STREAM, DifyStreamState.class);
            String handedOffRun = message.getHeader(HANDED_OFF_RUN_HEADER, String.class);
            Integer status = status(exchange);
            if (status != null && status == 202 && handedOffRun != null && !handedOffRun.isBlank() && state.resumable()) {
                // Dify handed the run to a worker: its events are read from the run's event stream (the resume loop)
                UpstreamEvents.abort(body(exchange));
                state.workflowRunId = handedOffRun.trim();
                message.setBody(InputStream.nullInputStream());
                return;
            }
            errors.check(status, message.getHeader(Exchange.CONTENT_TYPE, String.class),
                    message.getHeader("Retry-After", String.class), body(exchange), model(exchange).id());
        };
    }

    /** The header with which Dify names a run it handed off (HTTP 202) instead of answering it. */
    static final String HANDED_OFF_RUN_HEADER = "X-Workflow-Run-ID";

    /** model, backgroundTask → eventMapper: this run's Dify events → completion events (it keeps the run's state). */
    @Bean
    Processor difyEventMapping(DifyEventMapper mapper, DifyAppCatalog catalog) {
        return exchange -> {
            DifyStreamState state = mapper.open(model(exchange), backgroundTask(exchange), catalog.appType(model(exchange)));
            exchange.setVariable(DIFY_STREAM, state);
            exchange.setVariable(BackendSteps.EVENT_MAPPER, (EventMapper) event -> mapper.map(event, state));
        };
    }

    /**
     * difyStream, completion → true when a chatflow or workflow stream ended before its end (a worker drained, a
     * Redis-backed stream closed after 300 s idle) and can be read again: its run is known, the answer goes on, at most
     * twice.
     */
    @Bean
    Predicate difyStreamResumable() {
        return exchange -> {
            DifyStreamState state = exchange.getVariable(DIFY_STREAM, DifyStreamState.class);
            return state != null && !state.terminalSeen && state.workflowRunId != null && state.resumes < MAX_RESUMES
                    && state.resumable() && !exchange.getVariable(COMPLETION, ChatCompletion.class).isOver();
        };
    }

    /** difyStream, model, endUser → upstreamUrl, upstreamQuery, upstreamMethod: GET the run's events after the last cursor; counted. */
    @Bean
    Processor difyResumeRequest(GatewayMetrics metrics) {
        return exchange -> {
            DifyStreamState state = exchange.getVariable(DIFY_STREAM, DifyStreamState.class);
            state.resumes++;
            metrics.streamResumed(model(exchange).id());
            exchange.getMessage().setBody(null);
            exchange.setVariable(BackendSteps.UPSTREAM_URL, model(exchange).baseUrl() + "/workflow/" + encode(state.workflowRunId) + "/events");
            exchange.setVariable(BackendSteps.UPSTREAM_QUERY, "user=" + encode(exchange.getVariable(END_USER, String.class))
                    + (state.lastEventId == null ? "" : "&cursor=" + encode(state.lastEventId)));
            exchange.setVariable(BackendSteps.UPSTREAM_METHOD, "GET");
        };
    }

    /** status, Content-Type, body → true for the run's event stream; anything else (no such endpoint: older Dify) is dropped. */
    @Bean
    Predicate difyResumeOpened() {
        return exchange -> {
            Integer status = status(exchange);
            String type = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
            if (status != null && status >= 200 && status < 300 && type != null && type.startsWith("text/event-stream")) {
                return true;
            }
            UpstreamEvents.abort(body(exchange));
            exchange.getVariable(DIFY_STREAM, DifyStreamState.class).resumes = MAX_RESUMES;
            return false;
        };
    }

    /**
     * difyStream, completion → a stream that ended before its end fails with 502 upstream_stream_truncated, never a
     * clean stop on a partial answer.
     */
    @Bean
    Processor difyCheckStreamEnded() {
        return exchange -> {
            DifyStreamState state = exchange.getVariable(DIFY_STREAM, DifyStreamState.class);
            ChatCompletion completion = exchange.getVariable(COMPLETION, ChatCompletion.class);
            if (state != null && !state.terminalSeen && !completion.isOver()) {
                completion.fail(new OpenAiException(502, "server_error", "upstream_stream_truncated", null, "The answer of the Dify app behind model '"
                        + model(exchange).id() + "' ended before its end" + (state.resumes > 0 ? ", and could not be resumed." : ".")
                        + " What was sent is incomplete.", OpenAiException.NO_RETRY));
            }
        };
    }

    static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    /** conversation, chatRequest, completion → what the Dify conversation has now seen (nothing after a failure). */
    @Bean
    Processor difyRemember(ConversationTracker conversations) {
        return exchange -> conversations.remember(conversation(exchange), chatRequest(exchange), completion(exchange));
    }

    /** difyCall, chatRequest, model, endUser, difyFiles, conversation → upstreamUrl and body: the run call. */
    @Bean
    Processor difyRunRequest(DifyCalls calls, DifyRequestMapper requests) {
        return exchange -> {
            exchange.setVariable(BackendSteps.UPSTREAM_URL, calls.runUrl(call(exchange)));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> files = exchange.getVariable(FILES, List.class);
            exchange.getMessage().setBody(requests.runBody(chatRequest(exchange), model(exchange), exchange.getVariable(END_USER, String.class),
                    files, conversation(exchange)));
        };
    }

    /** completion → true when Dify gave the run a task id, which a stop call needs. */
    @Bean
    Predicate difyTaskKnown() {
        return exchange -> completion(exchange).upstreamTaskId() != null;
    }

    /** difyCall, completion, endUser → upstreamUrl and body: the stop call of the run's task. */
    @Bean
    Processor difyStopRequest(DifyCalls calls, DifyRequestMapper requests) {
        return exchange -> {
            exchange.setVariable(BackendSteps.UPSTREAM_URL, calls.stopUrl(call(exchange), completion(exchange).upstreamTaskId()));
            exchange.getMessage().setBody(requests.stopBody(exchange.getVariable(END_USER, String.class)));
        };
    }

    /** chatRequest, model → difyUploads (400 when the app cannot take the attachments), difyFiles so far. */
    @Bean
    Processor difyPlanUploads(DifyFileUploads uploads) {
        return exchange -> {
            DifyFileUploads.Plan plan = uploads.plan(chatRequest(exchange), model(exchange));
            exchange.setVariable(UPLOADS, plan);
            exchange.setVariable(FILES, plan.getDifyFiles());
        };
    }

    /** difyUploads → true when there are uploads to make. */
    @Bean
    Predicate difyUploadsPending() {
        return exchange -> !exchange.getVariable(UPLOADS, DifyFileUploads.Plan.class).getPendingUploads().isEmpty();
    }

    /** difyUploads → body: the uploads still to make, for a split. */
    @Bean
    Processor difyPendingUploads() {
        return exchange -> exchange.getMessage().setBody(exchange.getVariable(UPLOADS, DifyFileUploads.Plan.class).getPendingUploads());
    }

    /** body (one pending upload), endUser, model → difyUpload, upstreamUrl; body: its multipart request. */
    @Bean
    Processor difyUploadRequest(DifyFileUploads uploads) {
        return exchange -> {
            DifyFileUploads.PendingUpload upload = exchange.getMessage().getBody(DifyFileUploads.PendingUpload.class);
            exchange.setVariable(UPLOAD, upload);
            exchange.setVariable(BackendSteps.UPSTREAM_URL, model(exchange).baseUrl() + "/files/upload");
            exchange.getMessage().setBody(uploads.multipart(upload, exchange.getVariable(END_USER, String.class)));
        };
    }

    /** difyUploads, difyUpload, HTTP status, body → the file added to difyFiles, or a 400/413/502 naming the reason. */
    @Bean
    Processor difyUploaded(DifyFileUploads uploads) {
        return exchange -> uploads.uploaded(exchange.getVariable(UPLOADS, DifyFileUploads.Plan.class),
                exchange.getVariable(UPLOAD, DifyFileUploads.PendingUpload.class), status(exchange),
                exchange.getMessage().getBody(String.class), model(exchange).id());
    }

    /** model → marked as being read (so that concurrent requests do not read it too). */
    @Bean
    Processor difyReadingApp(DifyAppCatalog catalog) {
        return exchange -> catalog.reading(model(exchange));
    }

    /** model, HTTP status, body → the app's name and description from GET /info. */
    @Bean
    Processor difyAcceptInfo(DifyAppCatalog catalog) {
        return exchange -> catalog.acceptInfo(model(exchange), status(exchange), exchange.getMessage().getBody(String.class));
    }

    /** model, HTTP status, body → the app's input form and file settings from GET /parameters. */
    @Bean
    Processor difyAcceptParameters(DifyAppCatalog catalog) {
        return exchange -> catalog.acceptParameters(model(exchange), status(exchange), exchange.getMessage().getBody(String.class));
    }

    /** model, HTTP status, body → the app's title and description from GET /site, where it sets them. */
    @Bean
    Processor difyAcceptSite(DifyAppCatalog catalog) {
        return exchange -> catalog.acceptSite(model(exchange), status(exchange), exchange.getMessage().getBody(String.class));
    }

    /** model, the caught exception → the read's failure, remembered (retried by a later request). */
    @Bean
    Processor difyReadFailed(DifyAppCatalog catalog) {
        return exchange -> catalog.failed(model(exchange), exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    /** body: every Dify model, for the background refresh's split. */
    @Bean
    Processor difyModels(DifyAppCatalog catalog) {
        return exchange -> exchange.getMessage().setBody(catalog.difyModels());
    }

    /** body (one model) → model, baseUrl, for the app read of the background refresh. */
    @Bean
    Processor difyModelFromBody() {
        return exchange -> {
            ModelDefinition model = exchange.getMessage().getBody(ModelDefinition.class);
            exchange.setVariable(MODEL, model);
            exchange.setVariable(io.difygateway.frontdoor.GatewayVariables.BASE_URL, model.baseUrl());
        };
    }

    static ChatCompletionRequest chatRequest(Exchange exchange) {
        return exchange.getVariable(CHAT_REQUEST, ChatCompletionRequest.class);
    }

    static ModelDefinition model(Exchange exchange) {
        return exchange.getVariable(MODEL, ModelDefinition.class);
    }

    static ChatCompletion completion(Exchange exchange) {
        return exchange.getVariable(COMPLETION, ChatCompletion.class);
    }

    private static Conversation conversation(Exchange exchange) {
        return exchange.getVariable(CONVERSATION, Conversation.class);
    }

    private static DifyCalls.Call call(Exchange exchange) {
        return exchange.getVariable(CALL, DifyCalls.Call.class);
    }

    static boolean backgroundTask(Exchange exchange) {
        return Boolean.TRUE.equals(exchange.getVariable(BACKGROUND_TASK, Boolean.class));
    }

    static Integer status(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    static InputStream body(Exchange exchange) {
        return exchange.getMessage().getBody(InputStream.class);
    }
}
