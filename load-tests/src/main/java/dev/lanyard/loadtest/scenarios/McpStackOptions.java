package dev.lanyard.loadtest.scenarios;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options every command that starts an {@link McpStack} takes: which jars, on which Java. */
public final class McpStackOptions {
    @Option(names = "--server-jar", defaultValue = "server/target/lanyard-server.jar", description = "Default: ${DEFAULT-VALUE}")
    Path serverJar;

    @Option(names = "--mcp-jar", defaultValue = "mcp-adapter/target/lanyard-mcp-proxy.jar", description = "Default: ${DEFAULT-VALUE}")
    Path mcpJar;

    @Option(names = "--java", defaultValue = "java", description = "Java for the child processes. Default: ${DEFAULT-VALUE}")
    String java;

    McpStack start(Path out) throws Exception {
        return McpStack.start(java, serverJar, mcpJar, out, Duration.ofSeconds(180));
    }
}
