package io.difygateway.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/** Opens streams against the fake Dify directly or through the gateway and records what arrives when. */
final class StreamLoad {

    /** Where the streams go: straight to Dify's API or to the gateway's OpenAI API. */
    enum Path { DIRECT, GATEWAY }

    /**
     * What a batch of streams measured, sorted, in nanoseconds: per-event latencies, times to first token, and the
     * latencies of the events sent while every stream was open (after the last stream's first event arrived, before
     * the first stream ended).
     */
    record Outcome(int streams, int complete, long[] eventLatencies, long[] firstTokens, long[] allOpenLatencies, long wallNanos) {
        int failed() {
            return streams - complete;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private final String difyBaseUrl;
    private final String gatewayBaseUrl;

    StreamLoad(String difyBaseUrl, String gatewayBaseUrl) {
        this.difyBaseUrl = difyBaseUrl;
        this.gatewayBaseUrl = gatewayBaseUrl;
    }

    /** Starts {@code streams} streams spread evenly over {@code ramp} and waits for all of them. */
    Outcome run(Path path, int streams, int events, int gapMillis, Duration ramp, Duration timeout) throws InterruptedException {
        List<Recorder> recorders = new ArrayList<>(streams);
        List<CompletableFuture<Boolean>> finished = new ArrayList<>(streams);
        long start = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            long due = start + ramp.toNanos() * i / Math.max(1, streams);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Recorder recorder = new Recorder(path, events);
            recorders.add(recorder);
            finished.add(client.sendAsync(request(path, events, gapMillis), HttpResponse.BodyHandlers.fromLineSubscriber(recorder))
                    .thenApply(response -> response.statusCode() == 200 && recorder.complete())
                    .exceptionally(failure -> false));
        }
        int complete = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CompletableFuture<Boolean> stream : finished) {
            try {
                if (stream.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    complete++;
                }
            } catch (TimeoutException | ExecutionException e) {
                stream.cancel(true);
            }
        }
        long wall = System.nanoTime() - start;
        long allOpen = recorders.stream().mapToLong(Recorder::firstArrival).max().orElse(Long.MAX_VALUE);
        long firstEnd = recorders.stream().mapToLong(Recorder::endArrival).min().orElse(Long.MIN_VALUE);
        long[] allOpenLatencies = recorders.stream().flatMapToLong(recorder -> Arrays.stream(recorder.latenciesSentBetween(allOpen, firstEnd)))
                .sorted().toArray();
        return new Outcome(streams, complete, sorted(recorders, true), sorted(recorders, false), allOpenLatencies, wall);
    }

    /** Runs {@code workers} clients, each opening one stream after the other, until {@code duration} is over. */
    long[] loop(Path path, int workers, int events, Duration duration) throws InterruptedException {
        AtomicLong streams = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long deadline = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Thread worker = new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    Recorder recorder = new Recorder(path, events);
                    try {
                        HttpResponse<Void> response = client.send(request(path, events, 0), HttpResponse.BodyHandlers.fromLineSubscriber(recorder));
                        if (response.statusCode() == 200 && recorder.complete()) {
                            streams.incrementAndGet();
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            }, "bench-worker-" + i);
            worker.start();
            threads.add(worker);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return new long[] {streams.get(), failures.get()};
    }

    private HttpRequest request(Path path, int events, int gapMillis) {
        String query = BenchDify.query(events, gapMillis);
        if (path == Path.DIRECT) {
            return HttpRequest.newBuilder(URI.create(difyBaseUrl + "/chat-messages"))
                    .header("Authorization", "Bearer " + BenchDify.API_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"" + query
                            + "\",\"user\":\"bench\",\"inputs\":{},\"response_mode\":\"streaming\"}"))
                    .build();
        }
        return HttpRequest.newBuilder(URI.create(gatewayBaseUrl + "/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                        + query + "\"}]}"))
                .build();
    }

    private static long[] sorted(List<Recorder> recorders, boolean eventLatencies) {
        long[] all = recorders.stream().flatMapToLong(recorder -> Arrays.stream(eventLatencies ? recorder.latencies() : recorder.firstToken()))
                .toArray();
        Arrays.sort(all);
        return all;
    }

    /** One stream's lines: the latency of every timestamped event, and whether the stream ended properly. */
    private static final class Recorder implements Flow.Subscriber<String> {
        private static final String MARKER_OPENAI = "\"content\":\"s";
        private static final String MARKER_DIFY = "\"answer\":\"s";

        private final Path path;
        private final long requested = System.nanoTime();
        private final long[] latencies;
        private final long[] sentTimes;
        private int count;
        private long firstToken = -1;
        private long firstArrival = Long.MAX_VALUE;
        private long endArrival = Long.MAX_VALUE;
        private boolean ended;
        private boolean failed;

        Recorder(Path path, int events) {
            this.path = path;
            this.latencies = new long[events];
            this.sentTimes = new long[events];
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public synchronized void onNext(String line) {
            long now = System.nanoTime();
            int marker = line.indexOf(path == Path.DIRECT ? MARKER_DIFY : MARKER_OPENAI);
            if (marker >= 0) {
                int from = marker + (path == Path.DIRECT ? MARKER_DIFY : MARKER_OPENAI).length();
                long sent = Long.parseLong(line, from, line.indexOf(' ', from), 10);
                if (count < latencies.length) {
                    sentTimes[count] = sent;
                    latencies[count++] = now - sent;
                }
                if (firstToken < 0) {
                    firstToken = now - requested;
                    firstArrival = now;
                }
            } else if (path == Path.DIRECT ? line.contains("\"event\":\"message_end\"") : line.equals("data: [DONE]")) {
                ended = true;
                endArrival = now;
            } else if (line.contains("\"error\"")) {
                failed = true;
            }
        }

        @Override
        public void onError(Throwable throwable) {
            synchronized (this) {
                failed = true;
            }
        }

        @Override
        public void onComplete() {
        }

        synchronized boolean complete() {
            return ended && !failed && count == latencies.length;
        }

        synchronized long[] latencies() {
            return Arrays.copyOf(latencies, count);
        }

        synchronized long firstArrival() {
            return firstArrival;
        }

        synchronized long endArrival() {
            return endArrival;
        }

        /** Latencies of the events the fake Dify sent between the two instants ({@code System.nanoTime}). */
        synchronized long[] latenciesSentBetween(long from, long to) {
            return IntStream.range(0, count).filter(i -> sentTimes[i] >= from && sentTimes[i] <= to)
                    .mapToLong(i -> latencies[i]).toArray();
        }

        synchronized long[] firstToken() {
            return firstToken < 0 ? new long[0] : new long[] {firstToken};
        }
    }
}
