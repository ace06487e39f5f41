package io.difygateway.support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} process on a free loopback port, started by the tests themselves. Where the binary is
 * missing, the tests that need it are skipped with a message that says how to install it.
 */
public final class RedisServer implements AutoCloseable {

    static final String INSTALL_HINT = "redis-server not found: the Redis tests are skipped. Install it to run them "
            + "(Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis).";

    private final Process process;
    private final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a server, or skips the calling test class when redis-server is not installed. */
    public static RedisServer startOrSkip() throws IOException, InterruptedException {
        Optional<Path> binary = find();
        Assumptions.assumeTrue(binary.isPresent(), INSTALL_HINT);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder(binary.get().toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(new File("target/redis-" + port + ".log")).start();
        RedisServer server = new RedisServer(process, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!server.ping()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                server.close();
                throw new IllegalStateException("redis-server did not start; see target/redis-" + port + ".log");
            }
            Thread.sleep(50);
        }
        return server;
    }

    private static Optional<Path> find() {
        Stream<Path> candidates = Stream.concat(Stream.of(Path.of("/usr/bin/redis-server"), Path.of("/usr/local/bin/redis-server")),
                Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                        .filter(dir -> !dir.isBlank()).map(dir -> Path.of(dir, "redis-server")));
        return candidates.filter(Files::isExecutable).findFirst();
    }

    public int port() {
        return port;
    }

    /** Spring properties that point a gateway at this server with the Redis conversation store. */
    public List<String> gatewayProperties() {
        return List.of("gateway.conversations.store=redis", "spring.data.redis.host=127.0.0.1",
                "spring.data.redis.port=" + port, "management.health.redis.enabled=true");
    }

    private boolean ping() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = new byte[7];
            int read = in.read(answer);
            return read > 0 && new String(answer, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
