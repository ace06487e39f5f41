package io.difygateway.completion;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelDefinition;
import io.difygateway.config.Timeouts;
import io.difygateway.errors.OpenAiException;
import io.difygateway.sse.UpstreamEvents;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Keeps time for every chat completion from one scheduler thread: sends keep-alive comments while the backend is
 * silent (so proxies and clients keep the connection, and a vanished client is noticed), and ends a completion whose
 * backend exceeds the model's first-event, idle or total timeout: 504 before the first byte, an error chunk after,
 * and the upstream connection dropped so the backend route can stop the run.
 */
@Component("streamWatchdog")
public class StreamWatchdog implements DisposableBean {

    private static final long TICK_MILLIS = 200;

    private final long keepAliveNanos;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "stream-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    public StreamWatchdog(GatewayProperties properties) {
        this.keepAliveNanos = properties.getUpstream().getKeepAliveInterval().toNanos();
    }

    /** One watched completion; the backend stream is attached once the backend answered. */
    public final class Watch implements Runnable {
        private final ChatCompletion completion;
        private final ModelDefinition definition;
        private final Timeouts timeouts;
        private final String model;
        private volatile UpstreamEvents upstream;
        /** The backend call in flight, before its answer's head arrived; dropped on timeout. */
        private volatile ExecRuntime inFlight;
        private volatile ScheduledFuture<?> task;

        Watch(ChatCompletion completion, ModelDefinition model) {
            this.completion = completion;
            this.definition = model;
            this.timeouts = model.timeouts();
            this.model = model.id();
        }

        /** The model's connect timeout, for the watched call. */
        public long connectMillis() {
            return definition.connectMillis();
        }

        /** The model's socket timeout (the longer of first-event and idle), a backstop for the watched call. */
        public long socketMillis() {
            return definition.socketMillis();
        }

        /**
         * The HTTP client starts the watched backend call: the completion's deadlines now also cover the wait for the
         * answer's head (the upstream call interceptor calls this).
         */
        public void callStarted(ExecRuntime call) {
            if (!completion.isOver()) {
                inFlight = call;
                if (completion.isOver()) {
                    dropUpstream();
                }
            }
        }

        @Override
        public void run() {
            if (completion.isOver()) {
                cancel();
                return;
            }
            long now = System.nanoTime();
            long lastEvent = completion.lastUpstreamEventNanos();
            if (now - completion.startNanos() > timeouts.total().toNanos()) {
                timeout(upstreamTimeout(model, "did not finish within its total timeout of " + describe(timeouts.total())));
            } else if (lastEvent == 0 && now - completion.startNanos() > timeouts.firstEvent().toNanos()
                    || lastEvent != 0 && now - lastEvent > timeouts.idle().toNanos()) {
                timeout(silenceTimeout(model, timeouts, lastEvent != 0));
            } else if (completion.isStreaming() && now - Math.max(completion.lastWriteNanos(), completion.startNanos()) >= keepAliveNanos) {
                try {
                    completion.sendKeepAlive();
                } catch (ClientDisconnectedException gone) {
                    dropUpstream();
                }
            }
        }

        private void timeout(OpenAiException error) {
            completion.timeOut(error);
            dropUpstream();
        }

        private void dropUpstream() {
            UpstreamEvents events = upstream;
            if (events != null) {
                events.abort();
                return;
            }
            ExecRuntime call = inFlight;
            if (call != null) {
                call.discardEndpoint(); // the call waiting for the answer's head fails at once
            }
        }

        void cancel() {
            ScheduledFuture<?> scheduled = task;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
    }

    /** Starts watching a completion of a model. */
    public Watch watch(ChatCompletion completion, ModelDefinition model) {
        Watch watch = new Watch(completion, model);
        watch.task = scheduler.scheduleWithFixedDelay(watch, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return watch;
    }

    /** The backend answered: its stream can now be dropped on timeout or when the client leaves. */
    public void attach(Watch watch, UpstreamEvents upstream) {
        watch.upstream = upstream;
        watch.inFlight = null;
        if (watch.completion.isOver()) {
            watch.dropUpstream();
        }
    }

    /** Stops watching (the watch also stops by itself once the completion is over). */
    public void release(Watch watch) {
        if (watch != null) {
            watch.cancel();
            watch.inFlight = null;
        }
    }

    /**
     * The 504 for a backend that stayed silent past its first-event timeout (nothing received yet) or its idle
     * timeout; also what a socket timeout of the backend call means, so both say the same whichever comes first.
     */
    public static OpenAiException silenceTimeout(ModelDefinition model, ChatCompletion completion) {
        return silenceTimeout(model.id(), model.timeouts(), completion.lastUpstreamEventNanos() != 0);
    }

    private static OpenAiException silenceTimeout(String model, Timeouts timeouts, boolean anyEvent) {
        return upstreamTimeout(model, anyEvent ? "was silent for longer than its idle timeout of " + describe(timeouts.idle())
                : "sent nothing within its first-event timeout of " + describe(timeouts.firstEvent()));
    }

    private static OpenAiException upstreamTimeout(String model, String what) {
        return new OpenAiException(504, "server_error", "upstream_timeout", null, "The backend of model '" + model + "' " + what + ".",
                OpenAiException.NO_RETRY);
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
