package io.difygateway.upstream;

import java.io.IOException;

import io.difygateway.completion.StreamWatchdog;
import org.apache.camel.Exchange;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.util.Timeout;

/**
 * Gives each upstream call on the one pooled client its timeouts, from the Camel exchange making it (camel-http puts
 * the exchange in the call's context): a watched call (a completion's) gets its model's connect and socket timeouts
 * and is handed to the completion's watch; an unwatched call with a {@link #TIMEOUT_HEADER} gets that socket timeout;
 * any other keeps the component's defaults.
 */
public final class UpstreamCallInterceptor implements ExecChainHandler {

    /** Message header (filtered out of the HTTP request, as every Camel* header): the call's socket timeout in ms. */
    public static final String TIMEOUT_HEADER = "CamelUpstreamTimeoutMillis";
    /** The context attribute under which camel-http's producer stores the exchange. */
    private static final String EXCHANGE = Exchange.class.getName();

    @Override
    @SuppressWarnings("deprecation") // the per-request connect timeout is deprecated, not gone; it overrides the pool's
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain) throws IOException, HttpException {
        if (scope.clientContext.getAttribute(EXCHANGE) instanceof Exchange exchange) {
            if (exchange.getVariable(BackendSteps.WATCH) instanceof StreamWatchdog.Watch watch) {
                scope.clientContext.setRequestConfig(RequestConfig.copy(scope.clientContext.getRequestConfigOrDefault())
                        .setConnectTimeout(Timeout.ofMilliseconds(watch.connectMillis()))
                        .setResponseTimeout(Timeout.ofMilliseconds(watch.socketMillis()))
                        .build());
                watch.callStarted(scope.execRuntime);
            } else if (exchange.getMessage().getHeader(TIMEOUT_HEADER) instanceof Long millis) {
                scope.clientContext.setRequestConfig(RequestConfig.copy(scope.clientContext.getRequestConfigOrDefault())
                        .setResponseTimeout(Timeout.ofMilliseconds(millis))
                        .build());
            }
        }
        return chain.proceed(request, scope);
    }
}
