package io.difygateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.identity.Caller;
import org.junit.jupiter.api.Test;

class StoredResponsesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Caller WEBUI = new Caller("open-webui", Set.of("*"), null, null);
    private static final Caller BATCH = new Caller("batch", Set.of("*"), null, null);

    private final StoredResponses responses = new StoredResponses(new InMemoryConversationStore(100, Duration.ofDays(1), Clock.systemUTC()), JSON);

    private static ObjectNode response() throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"id":"resp_1","object":"response","output":[
                  {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Hm."}]},
                  {"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Let me check.","annotations":[],"logprobs":[]}]},
                  {"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{}","status":"completed"}]}""");
    }

    @Test
    void aStoredResponseBelongsToItsKeyAndEndsItsConversationWithTheAnswer() throws Exception {
        ArrayNode conversation = (ArrayNode) JSON.readTree("[{\"role\":\"user\",\"content\":\"Weather?\"}]");
        responses.save(response(), conversation, "dify-conv-9", WEBUI);
        StoredResponses.Stored stored = responses.find("resp_1", WEBUI).orElseThrow();
        assertThat(stored.conversationId()).isEqualTo("dify-conv-9");
        assertThat(stored.response()).isEqualTo(response());
        assertThat(stored.conversation()).isEqualTo(JSON.readTree("""
                [{"role":"user","content":"Weather?"},
                 {"role":"assistant","content":"Let me check.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]}]"""));
        assertThat(conversation).as("the request's conversation is left as it was").hasSize(1);

        assertThat(responses.find("resp_1", BATCH)).as("another key finds nothing").isEmpty();
        assertThat(responses.delete("resp_1", BATCH)).isFalse();
        assertThat(responses.find("resp_1", WEBUI)).isPresent();
        assertThat(responses.delete("resp_1", WEBUI)).isTrue();
        assertThat(responses.find("resp_1", WEBUI)).isEmpty();
    }
}
