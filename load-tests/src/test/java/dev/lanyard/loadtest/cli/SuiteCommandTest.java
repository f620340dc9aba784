package dev.lanyard.loadtest.cli;

import dev.lanyard.loadtest.LanyardLoad;
import dev.lanyard.loadtest.server.ServerLaunch;
import dev.lanyard.loadtest.server.ServerProcess;
import dev.lanyard.loadtest.support.FakeLanyardServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole suite against a stand-in server process: start, wait for ready, set up, load, report, stop. */
class SuiteCommandTest {

    @Test
    void runsTheSuiteAgainstAChildProcessAndStopsIt(@TempDir Path dir) throws Exception {
        Path dataDir = Files.createDirectory(dir.resolve("data"));
        Path pidFile = dir.resolve("server.pid");
        int port = ServerProcess.freePort();
        String token = ServerProcess.randomToken();
        String java = ProcessHandle.current().info().command().orElse("java");
        SuiteCommand suite = new SuiteCommand();
        suite.launchOverride = new ServerLaunch(
                List.of(java, "-cp", System.getProperty("java.class.path"), FakeLanyardServer.class.getName()),
                Map.of("LANYARD_HTTP_HOST", "127.0.0.1", "LANYARD_HTTP_PORT", String.valueOf(port),
                        "LANYARD_DATA_DIR", dataDir.toString(), "LANYARD_ADMIN_TOKEN", token,
                        "FAKE_PID_FILE", pidFile.toString()),
                port, token, dataDir, dir.resolve("server.log"), false);
        Path out = dir.resolve("results");

        int code = new CommandLine(suite).execute("--server-jar", "fake.jar", "--scenarios", "agent-get",
                "--concurrency", "4", "--warmup", "300ms", "--duration", "1s", "--out", out.toString());

        assertEquals(0, code, () -> "suite failed; server log:\n" + read(dir.resolve("server.log")));
        JsonObject json = new JsonObject(Files.readString(out.resolve("results.json")));
        JsonArray scenarios = json.getJsonArray("scenarios");
        assertEquals(2, scenarios.size(), "health-live baseline added in front");
        assertEquals("health-live", scenarios.getJsonObject(0).getString("scenario"));
        JsonObject agentGet = scenarios.getJsonObject(1);
        assertEquals("agent-get", agentGet.getString("scenario"));
        assertEquals("/api/v1/ai-agents/wlp-fake", agentGet.getString("path"));
        assertTrue(agentGet.getLong("ok") > 0);
        assertEquals(0, agentGet.getJsonObject("errors").getLong("non_2xx_total"), agentGet.encodePrettily());
        assertTrue(agentGet.getJsonObject("ratio_to_baseline").getDouble("throughput") > 0);
        assertTrue(json.getJsonObject("server").getLong("start_to_ready_ms") >= 500, "waited for /health/ready");
        assertTrue(Files.readString(out.resolve("report.html")).contains("agent-get"));

        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "server stopped");
        assertFalse(Files.exists(dataDir), "temporary data directory removed");
    }

    @Test
    void failsClearlyWhenTheServerJarIsMissing(@TempDir Path dir) {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cli = LanyardLoad.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        int code = cli.execute("suite", "--server-jar", dir.resolve("nope.jar").toString(), "--out", dir.toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("server jar not found"), err.toString());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "(none)";
        }
    }
}
