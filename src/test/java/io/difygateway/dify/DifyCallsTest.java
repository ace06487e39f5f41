package io.difygateway.dify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelDefinition;
import io.difygateway.support.TestModels;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.Test;

class DifyCallsTest {

    private static DifyCalls calls(int retries) {
        return calls(retries, Duration.ofMillis(1));
    }

    private static DifyCalls calls(int retries, Duration backoff) {
        GatewayProperties properties = new GatewayProperties();
        properties.getUpstream().setRetries(retries);
        properties.getUpstream().setRetryBackoff(backoff);
        return new DifyCalls(properties);
    }

    @Test
    void aKeptAliveConnectionTheServerHadClosedIsTriedAgainAtOnce() throws Exception {
        DifyCalls calls = calls(1, Duration.ofSeconds(5));
        DifyCalls.Call call = calls.start(TestModels.dify("chat").build());
        calls.again(call);
        long started = System.nanoTime();
        calls.failed(call, new IllegalStateException("route failed",
                new NoHttpResponseException("dify.example.com:443 failed to respond")));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no back-off").isLessThan(Duration.ofSeconds(1));
        assertThat(calls.again(call)).isTrue();
        assertThatThrownBy(() -> calls.failed(call, new NoHttpResponseException("failed to respond")))
                .as("no attempt left").isInstanceOf(NoHttpResponseException.class);
    }

    @Test
    void eachAppTypeHasItsRunAndStopEndpointWithTheModelsTimeouts() {
        DifyCalls calls = calls(0);
        DifyCalls.Call chat = calls.start(TestModels.dify("chat").build());
        assertThat(calls.runUrl(chat)).isEqualTo("https://dify.example.com/v1/chat-messages");
        assertThat(TestModels.dify("chat").build().connectMillis()).isEqualTo(10_000);
        assertThat(TestModels.dify("chat").build().socketMillis()).isEqualTo(60_000);
        assertThat(calls.runUrl(calls.start(TestModels.dify("completion").build()))).isEqualTo("https://dify.example.com/v1/completion-messages");
        assertThat(calls.runUrl(calls.start(TestModels.dify("workflow").build()))).isEqualTo("https://dify.example.com/v1/workflows/run");
        assertThat(calls.stopUrl(calls.start(TestModels.dify("advanced-chat").build()), "t1")).isEqualTo("https://dify.example.com/v1/chat-messages/t1/stop");
        assertThat(calls.stopUrl(calls.start(TestModels.dify("completion").build()), "t2")).isEqualTo("https://dify.example.com/v1/completion-messages/t2/stop");
        assertThat(calls.stopUrl(calls.start(TestModels.dify("workflow").build()), "t3")).isEqualTo("https://dify.example.com/v1/workflows/tasks/t3/stop");
    }

    @Test
    void aConnectionFailureIsTriedAgainOnTheNextBaseUrlUpToTheLimit() throws Exception {
        DifyCalls calls = calls(2);
        ModelDefinition model = TestModels.dify("chat").fallbackBaseUrls("https://dify-b.example.com/v1").build();
        DifyCalls.Call call = calls.start(model);
        assertThat(calls.again(call)).isTrue();
        calls.failed(call, new ConnectException("Connection refused"));
        assertThat(calls.again(call)).isTrue();
        assertThat(call.baseUrl()).isEqualTo("https://dify-b.example.com/v1");
        calls.answered(call, 503, new ByteArrayInputStream(new byte[0]));
        assertThat(calls.again(call)).isTrue();
        assertThat(call.baseUrl()).isEqualTo("https://dify.example.com/v1");
        assertThatThrownBy(() -> calls.failed(call, new ConnectException("Connection refused")))
                .as("no attempt left").isInstanceOf(ConnectException.class);
        assertThat(calls.again(call)).isFalse();
    }

    @Test
    void whatMayHaveRunIsNeverTriedAgain() throws Exception {
        DifyCalls calls = calls(2);
        DifyCalls.Call call = calls.start(TestModels.dify("chat").build());
        calls.again(call);
        assertThatThrownBy(() -> calls.failed(call, new SocketTimeoutException("Read timed out")))
                .isInstanceOf(SocketTimeoutException.class);
        calls.answered(call, 500, new ByteArrayInputStream(new byte[0]));
        calls.answered(call, 200, new ByteArrayInputStream(new byte[0]));
        assertThat(calls.again(call)).isFalse();
    }
}
