package dev.lanyard.loadtest.report;

/** The server the suite started, and how long it took from process start to {@code /health/ready} = 200. */
public record ServerInfo(String jar, JavaRuntime java, String baseUrl, long startToReadyMillis) {
}
