package dev.lanyard.loadtest.server;

import dev.lanyard.loadtest.endpoint.LoopbackTarget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Lanyard server running as a child process on a free loopback port with its own data directory and admin
 * token. Runs on the CLI's main thread, never on an event loop, so it may block while waiting.
 */
public final class ServerProcess implements AutoCloseable {

    private final ServerLaunch launch;
    private final Process process;
    private final long startNanos;
    private boolean closed;
    private long stopMillis = -1;

    private ServerProcess(ServerLaunch launch, Process process, long startNanos) {
        this.launch = launch;
        this.process = process;
        this.startNanos = startNanos;
    }

    /** The usual launch: {@code java [jvmArgs] -jar jar} with a fresh data dir, a free port and a random token. */
    public static ServerLaunch forJar(String java, Path jar, List<String> jvmArgs, Path logFile, boolean keepData)
            throws IOException {
        int port = freePort();
        String token = randomToken();
        Path dataDir = Files.createTempDirectory("lanyard-load-data-");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LANYARD_HTTP_HOST", "127.0.0.1");
        env.put("LANYARD_HTTP_PORT", String.valueOf(port));
        env.put("LANYARD_BASE_URL", "http://127.0.0.1:" + port);
        env.put("LANYARD_DATA_DIR", dataDir.toString());
        env.put("LANYARD_ADMIN_TOKEN", token);
        return new ServerLaunch(command, env, port, token, dataDir, logFile, keepData);
    }

    public static ServerProcess start(ServerLaunch launch) throws IOException {
        Files.createDirectories(launch.logFile().toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(launch.command())
                .redirectErrorStream(true)
                .redirectOutput(launch.logFile().toFile());
        pb.environment().putAll(launch.environment());
        long start = System.nanoTime();
        return new ServerProcess(launch, pb.start(), start);
    }

    public LoopbackTarget target() {
        return new LoopbackTarget("127.0.0.1", launch.port());
    }

    public String adminToken() {
        return launch.adminToken();
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Polls {@code GET /health/ready} until it answers 200 and returns the time from process start, or fails
     * (with the end of the server log) if the process dies or the deadline passes.
     */
    public Duration awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create(target().baseUrl() + "/health/ready");
        long deadline = startNanos + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with code " + process.exitValue()
                        + " before it was ready; end of " + launch.logFile() + ":\n" + logTail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - startNanos);
                }
                last = "status " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(25);
        }
        throw new IllegalStateException("server not ready after " + timeout.toSeconds() + " s (last: " + last
                + "); end of " + launch.logFile() + ":\n" + logTail());
    }

    /**
     * CPU time of the server JVM and everything it started, including an embedded PostgreSQL whose
     * postmaster detached from the JVM (found by our private data directory on its command line).
     */
    public Duration cpuTime() {
        List<ProcessHandle> roots = new ArrayList<>();
        roots.add(process.toHandle());
        roots.addAll(processesUsingDataDir());
        return ProcessCpu.ofTrees(roots);
    }

    private List<ProcessHandle> processesUsingDataDir() {
        String dataDir = launch.dataDir().toString();
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && p.pid() != process.pid())
                .filter(p -> p.info().commandLine().map(c -> c.contains(dataDir)).orElse(false))
                .toList();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(launch.logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the server politely (SIGTERM lets it shut its embedded PostgreSQL down), then forcibly. Processes
     * still running with our private data directory on their command line (a PostgreSQL the server failed to
     * stop) were started by us and are stopped by their pid too; then the data directory is deleted.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ProcessHandle> children = process.descendants().toList();
        long stopStart = System.nanoTime();
        if (!stop(process.toHandle(), 30)) {
            System.err.println("warning: server pid " + process.pid() + " ignored SIGTERM for 30 s and was killed");
        } else {
            stopMillis = (System.nanoTime() - stopStart) / 1_000_000;
        }
        for (ProcessHandle child : children) {
            stop(child, 10);
        }
        processesUsingDataDir().forEach(p -> stop(p, 10));
        if (!launch.keepDataDir()) {
            deleteTree(launch.dataDir());
        }
    }

    /** Returns false when the process had to be killed. */
    private static boolean stop(ProcessHandle p, int graceSeconds) {
        if (!p.isAlive()) {
            return true;
        }
        p.destroy();
        try {
            p.onExit().get(graceSeconds, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            p.destroyForcibly();
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // Nothing more to do: the process ignores SIGKILL only when it is already a zombie.
            }
            return false;
        }
    }

    /** How long the server took to exit after SIGTERM; -1 if it had to be killed or is still running. */
    public long stopMillis() {
        return stopMillis;
    }

    /** Removes a directory tree, warning (not failing) when something cannot be deleted. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("warning: could not delete " + root + ": " + e.getMessage());
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "lt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
