package dev.lanyard.loadtest.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start one server child process.
 *
 * @param command full command line, e.g. {@code java -jar server/target/lanyard-server.jar}
 * @param environment added to the inherited environment
 * @param dataDir deleted when the server stops (unless kept), along with any process still using it
 */
public record ServerLaunch(List<String> command, Map<String, String> environment, int port, String adminToken,
                           Path dataDir, Path logFile, boolean keepDataDir) {

    public ServerLaunch {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }
}
