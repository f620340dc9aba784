package dev.lanyard.loadtest.report;

/**
 * The server the suite started: how long it took from process start to {@code /health/ready} = 200, and from
 * SIGTERM to exit (-1 when it had to be killed).
 */
public record ServerInfo(String jar, JavaRuntime java, String baseUrl, long startToReadyMillis, long stopMillis) {
}
