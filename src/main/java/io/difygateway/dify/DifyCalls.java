package io.difygateway.dify;

import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelDefinition;
import io.difygateway.errors.Causes;
import io.difygateway.sse.UpstreamEvents;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Decides where a Dify run call goes and whether to try again: only when nothing can have run yet (the connection
 * failed, or a proxy answered 502/503), with a doubling pause, up to {@code gateway.upstream.retries} more times,
 * moving through the model's base URL and its {@code fallback-base-urls}.
 */
@Component("difyCalls")
public class DifyCalls {

    private static final Logger LOG = LoggerFactory.getLogger(DifyCalls.class);

    private final int retries;
    private final Duration backoff;

    public DifyCalls(GatewayProperties properties) {
        this.retries = properties.getUpstream().getRetries();
        this.backoff = properties.getUpstream().getRetryBackoff();
    }

    /** One request's attempts at calling the model's app. */
    public static final class Call {
        private final ModelDefinition model;
        private final List<String> baseUrls;
        private int attempt;
        private boolean pending = true;

        Call(ModelDefinition model) {
            this.model = model;
            this.baseUrls = new ArrayList<>();
            baseUrls.add(model.baseUrl());
            baseUrls.addAll(model.dify().fallbackBaseUrls());
        }

        /** The base URL of the current attempt. */
        public String baseUrl() {
            return baseUrls.get(attempt % baseUrls.size());
        }

    }

    public Call start(ModelDefinition model) {
        return new Call(model);
    }

    /** True while a call should be made: the first one, and each retry. */
    public boolean again(Call call) {
        boolean pending = call.pending;
        call.pending = false;
        return pending;
    }

    /** The run endpoint of the current attempt. */
    public String runUrl(Call call) {
        return call.baseUrl() + DifyAppType.of(call.model.dify().appType()).runPath();
    }

    /** The stop endpoint of a task, on the base URL that runs it. */
    public String stopUrl(Call call, String taskId) {
        return call.baseUrl() + DifyAppType.of(call.model.dify().appType()).stopPath(taskId);
    }

    /** Dify answered: a proxy's 502/503 is tried again (the answer is dropped), anything else is the answer. */
    public void answered(Call call, Integer status, InputStream body) {
        if (status != null && (status == 502 || status == 503) && retryLeft(call, "HTTP " + status)) {
            UpstreamEvents.abort(body);
        }
    }

    /**
     * The call failed: a failure to connect is tried again after the back-off; a kept-alive connection that the
     * server had already closed (not one byte of an answer came back) is tried again at once on a new connection;
     * anything else, or the last attempt, is rethrown.
     */
    public void failed(Call call, Exception failure) throws Exception {
        boolean staleConnection = Causes.find(failure, NoHttpResponseException.class) != null;
        if (!(staleConnection || connectionFailure(failure))
                || !retryLeft(call, failure.getClass().getSimpleName(), staleConnection ? Duration.ZERO : backoff)) {
            throw failure;
        }
    }

    private boolean retryLeft(Call call, String reason) {
        return retryLeft(call, reason, backoff);
    }

    private boolean retryLeft(Call call, String reason, Duration firstPause) {
        if (call.attempt >= retries) {
            return false;
        }
        String failedUrl = call.baseUrl();
        call.attempt++;
        call.pending = true;
        long pause = firstPause.toMillis() << (call.attempt - 1);
        LOG.info("Dify app of model '{}' at {} failed before running ({}); attempt {} of {} at {} in {} ms",
                call.model.id(), failedUrl, reason, call.attempt + 1, retries + 1, call.baseUrl(), pause);
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.pending = false;
        }
        return true;
    }

    private static boolean connectionFailure(Throwable failure) {
        return Causes.find(failure, ConnectException.class) != null || Causes.find(failure, ConnectTimeoutException.class) != null
                || Causes.find(failure, UnknownHostException.class) != null || Causes.find(failure, NoRouteToHostException.class) != null;
    }

}
