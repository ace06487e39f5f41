package io.difygateway.frontdoor;

/**
 * The names of the exchange variables the front door sets and the backend routes read (the contract of
 * routes/README.md, "How a chat completion flows"). All are flat: no route step walks into an object.
 */
public final class GatewayVariables {

    /** {@link io.difygateway.identity.Caller}: the client key used (name, models, limits). */
    public static final String CALLER = "caller";
    /** {@link ChatCompletionRequest}: the validated OpenAI request. */
    public static final String CHAT_REQUEST = "chatRequest";
    /** Boolean: an Open WebUI title/tags/follow-up/query task. */
    public static final String BACKGROUND_TASK = "backgroundTask";
    /** {@link io.difygateway.config.ModelDefinition}: the model (or its task model) with backend, URL, key. */
    public static final String MODEL = "model";
    /** String: the model's backend name; the front door calls {@code direct:backend-<backend>}. */
    public static final String BACKEND = "backend";
    /** String: the model's id, for log lines. */
    public static final String MODEL_ID = "modelId";
    /** String: the model's base URL, without a trailing slash. */
    public static final String BASE_URL = "baseUrl";
    /** String: the model name the backend knows ({@code upstream-model}, else the id). */
    public static final String UPSTREAM_MODEL = "upstreamModel";
    /**
     * The prefix of the backend's option variables: {@code gateway.models.<id>.options.api-version} is the String
     * variable {@code option-api-version} (only the options the model sets; a backend supplies defaults, e.g. with
     * {@code ${variable.option-api-version} ?: '2024-10-21'}).
     */
    public static final String OPTION_PREFIX = "option-";
    /** String: who is asking, as the backend's end-user id. */
    public static final String END_USER = "endUser";
    /**
     * String: the backend conversation the request must continue exactly (a stored response's, for the Responses
     * API's {@code previous_response_id}), or absent.
     */
    public static final String CONTINUED_CONVERSATION = "continuedConversation";
    /** {@link ResponsesRequestParser.ResponsesRequest}: a {@code POST /v1/responses} request (its shell, store, conversation). */
    public static final String RESPONSES_REQUEST = "responsesRequest";
    /** {@link io.difygateway.completion.ResponseEncoder}: the response being written, for storing once it is done. */
    public static final String RESPONSE_ENCODER = "responseEncoder";
    /** {@link EmbeddingsRequest}: a {@code POST /v1/embeddings} request. */
    public static final String EMBEDDINGS_REQUEST = "embeddingsRequest";
    /** {@link AudioRequests.TranscriptionRequest} or {@link AudioRequests.SpeechRequest}: a /v1/audio request. */
    public static final String AUDIO_REQUEST = "audioRequest";
    /** {@link jakarta.servlet.http.HttpServletResponse}: where an audio answer is written as it arrives. */
    public static final String HTTP_RESPONSE = "httpResponse";
    /** String: a transcription's text, which the front door writes in the format the client asked for. */
    public static final String TRANSCRIPT = "transcript";
    /** {@link ChatCompletion}: the response being written. */
    public static final String COMPLETION = "completion";
    /** Boolean: the background task was answered before the backend was called (Dify's title or follow-ups). */
    public static final String TASK_ANSWERED = "taskAnswered";

    private GatewayVariables() {
    }
}
