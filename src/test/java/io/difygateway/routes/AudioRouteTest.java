package io.difygateway.routes;

import static io.difygateway.routes.ChatCompletionsRouteTest.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.FakeDify;
import io.difygateway.support.GatewayTestBase;
import org.junit.jupiter.api.Test;

/**
 * /v1/audio/* over a Dify app with speech to text and text to speech on (model {@code voice}), an OpenAI-compatible
 * server (passed through) and models without audio; the fake Dify checks the upload's part type as Dify does.
 */
class AudioRouteTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOUNDARY = "----gateway-test-boundary";

    /** OpenAI's multipart form: a file part without a content type (as Open WebUI sends it), then the fields. */
    private static byte[] form(String filename, byte[] audio, String... fields) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(audio);
        for (int i = 0; i < fields.length; i += 2) {
            body.writeBytes(("\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n" + fields[i + 1])
                    .getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private HttpResponse<String> transcribe(byte[] form) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/v1/audio/transcriptions")).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aDifyAppTranscribesAnUploadTypedByItsNameInEveryFormat() throws Exception {
        byte[] audio = "RIFF....WAVEfmt fake recording".getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> json = transcribe(form("recording.mpeg", audio, "model", "voice", "language", "en"));
        assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
        assertThat(JSON.readTree(json.body())).isEqualTo(JSON.readTree("{\"text\":\"" + FakeDify.TRANSCRIPT + "\"}"));
        FakeDify.Request upload = DIFY.audioRequests().get(DIFY.audioRequests().size() - 1);
        assertThat(upload.path()).isEqualTo("/v1/audio-to-text");
        assertThat(upload.header("Authorization")).isEqualTo("Bearer app-voice-secret");
        assertThat(upload.body()).as("audio/mpeg is refused by Dify: sent as audio/mp3").contains("Content-Type: audio/mp3")
                .contains("fake recording").contains("name=\"user\"");

        HttpResponse<String> text = transcribe(form("recording.webm", audio, "model", "voice", "response_format", "text"));
        assertThat(text.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(text.body()).isEqualTo(FakeDify.TRANSCRIPT);
        JsonNode verbose = JSON.readTree(transcribe(form("r.wav", audio, "model", "voice", "response_format", "verbose_json", "language", "en")).body());
        assertThat(verbose.get("text").asText()).isEqualTo(FakeDify.TRANSCRIPT);
        assertThat(verbose.get("language").asText()).isEqualTo("en");
        assertOpenAiError(transcribe(form("r.wav", audio, "model", "voice", "response_format", "srt")), 400, "invalid_value", "no subtitles");
    }

    @Test
    void openWebUisJsonFormIsTranscribedToo() throws Exception {
        String body = "{\"model\":\"voice\",\"language\":\"en\",\"input_audio\":{\"data\":\""
                + Base64.getEncoder().encodeToString("ID3 fake mp3".getBytes(StandardCharsets.ISO_8859_1)) + "\",\"format\":\"mp3\"}}";
        HttpResponse<String> response = postJson("/v1/audio/transcriptions", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("text").asText()).isEqualTo(FakeDify.TRANSCRIPT);
        assertThat(DIFY.audioRequests().get(DIFY.audioRequests().size() - 1).body()).contains("filename=\"audio.mp3\"").contains("Content-Type: audio/mp3");
        assertOpenAiError(postJson("/v1/audio/transcriptions", "{\"model\":\"voice\",\"input_audio\":{\"data\":\"%%%\"}}"), 400, "invalid_value", "base64");
    }

    @Test
    void aDifyAppSpeaksWithItsDefaultVoiceAndTheAudioStreamsThrough() throws Exception {
        HttpResponse<byte[]> speech = http.send(HttpRequest.newBuilder(uri("/v1/audio/speech")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"voice\",\"input\":\"Your token is reset.\"}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(speech.statusCode()).isEqualTo(200);
        assertThat(speech.headers().firstValue("Content-Type")).hasValue("audio/mpeg");
        assertThat(speech.body()).isEqualTo(FakeDify.SPEECH);
        FakeDify.Request request = DIFY.audioRequests().get(DIFY.audioRequests().size() - 1);
        assertThat(request.path()).isEqualTo("/v1/text-to-audio");
        assertThat(JSON.readTree(request.body())).isEqualTo(JSON.readTree(
                "{\"text\":\"Your token is reset.\",\"user\":\"gateway-test-user\",\"voice\":\"sambert-zhiying-v1\"}"));

        http.send(HttpRequest.newBuilder(uri("/v1/audio/speech")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"voice\",\"input\":\"Hi\",\"voice\":\"alloy\"}")).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(JSON.readTree(DIFY.audioRequests().get(DIFY.audioRequests().size() - 1).body()).get("voice").asText()).isEqualTo("alloy");
    }

    @Test
    void anOpenAiCompatibleServersAudioIsPassedThrough() throws Exception {
        HttpResponse<String> transcript = transcribe(form("r.mp3", new byte[] {1, 2, 3}, "model", "vllm", "prompt", "VPN"));
        assertThat(transcript.statusCode()).as(transcript.body()).isEqualTo(200);
        assertThat(JSON.readTree(transcript.body()).get("text").asText()).isEqualTo(FakeDify.TRANSCRIPT);
        FakeDify.Request upload = DIFY.audioRequests().get(DIFY.audioRequests().size() - 1);
        assertThat(upload.path()).isEqualTo("/v1/audio/transcriptions");
        assertThat(upload.body()).contains("meta-llama/Llama-3.1-8B-Instruct").contains("name=\"prompt\"");
        HttpResponse<byte[]> speech = http.send(HttpRequest.newBuilder(uri("/v1/audio/speech")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"vllm\",\"input\":\"Hi\",\"voice\":\"nova\",\"response_format\":\"mp3\"}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(speech.body()).isEqualTo(FakeDify.SPEECH);
        assertThat(JSON.readTree(DIFY.audioRequests().get(DIFY.audioRequests().size() - 1).body()).get("voice").asText()).isEqualTo("nova");
    }

    @Test
    void modelsWithoutAudioAndTheListsOpenWebUiReads() throws Exception {
        assertOpenAiError(transcribe(form("r.mp3", new byte[] {1}, "model", "helpdesk")), 400, "model_not_audio_capable", "speech to text turned off");
        assertOpenAiError(postJson("/v1/audio/speech", "{\"model\":\"local\",\"input\":\"Hi\"}"), 400, "model_not_audio_capable", "has no audio");
        assertOpenAiError(postJson("/v1/audio/speech", "{\"model\":\"voice\",\"input\":\"\"}"), 400, "invalid_value", "input");
        assertOpenAiError(postJson("/v1/audio/speech", "{\"model\":\"vllm-muted\",\"input\":\"Hi\"}"), 400, "model_not_audio_capable", "audio: false");
        assertOpenAiError(transcribe(form("r.mp3", new byte[] {1}, "model", "nosuch")), 404, "model_not_found", "nosuch");

        JsonNode models = JSON.readTree(get("/v1/audio/models").body());
        assertThat(models.get("models").findValuesAsText("id")).contains("voice", "vllm").doesNotContain("helpdesk", "local", "claude", "vllm-muted");
        JsonNode voices = JSON.readTree(get("/v1/audio/voices").body());
        assertThat(voices.get("voices").findValuesAsText("id")).contains("sambert-zhiying-v1", "alloy", "nova");
    }
}
