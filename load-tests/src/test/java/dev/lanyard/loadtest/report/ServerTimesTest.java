package dev.lanyard.loadtest.report;

import dev.lanyard.loadtest.LanyardLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerTimesTest {

    /** The shape of the server's access-log lines (dev.lanyard.server.http.AccessLog), as a suite's server.log has them. */
    static String accessLine(long timestamp, String path, long durationMicros) {
        return "{\"timestamp\":" + timestamp + ",\"level\":\"INFO\",\"threadName\":\"vert.x-eventloop-thread-1\","
                + "\"loggerName\":\"lanyard.access\",\"kvpList\":[{\"method\":\"POST\"},{\"path\":\"" + path + "\"},"
                + "{\"status\":\"200\"},{\"duration_us\":\"" + durationMicros + "\"},{\"request_id\":\"req_x\"}],"
                + "\"formattedMessage\":\"http\",\"throwable\":null}";
    }

    @Test
    void readsAccessLinesAndNothingElse() {
        assertEquals(Optional.of(new ServerTimes.Request(1796666365073L, "/oauth2/aus_1/v1/token", 12749)),
                ServerTimes.parse(accessLine(1796666365073L, "/oauth2/aus_1/v1/token", 12749)));
        String other = "{\"timestamp\":1796666088033,\"level\":\"INFO\",\"threadName\":\"main\","
                + "\"loggerName\":\"dev.lanyard.server.LanyardServer\",\"formattedMessage\":\"ready\",\"throwable\":null}";
        assertEquals(Optional.empty(), ServerTimes.parse(other));
        String full = accessLine(1L, "/oauth2/v1/token", 5);
        assertEquals(Optional.empty(), ServerTimes.parse(full.substring(0, full.length() / 2)), "a truncated line");
        assertEquals(Optional.empty(), ServerTimes.parse(full.replace("\"5\"", "\"five\"")), "a duration that is no number");
    }

    @Test
    void summarizesTheLastWindowAndFindsTheStallsInIt() {
        List<ServerTimes.Request> requests = new ArrayList<>();
        // 3 s of answers taking 2 ms each, 100 a second; a stall at 0.5 s (outside the window) and at 2.5 s
        for (int i = 0; i < 300; i++) {
            long t = 1_000_000L + i * 10L;
            long micros = (i == 50 || (i >= 250 && i < 255)) ? 80_000 : 2_000;
            requests.add(new ServerTimes.Request(t, "/oauth2/v1/token", micros));
        }
        ServerTimes.Summary s = ServerTimes.summarize(requests, Duration.ofSeconds(2), Duration.ofMillis(100),
                Duration.ofMillis(45));
        assertEquals(201, s.latency().count(), "completions from 2 s before the last one, inclusive");
        assertEquals(2.0, s.latency().p50Ms(), 0.01);
        assertEquals(80.0, s.latency().maxMs(), 0.1);
        assertEquals(List.of(new ServerTimes.SlowBin(1500, 10, 80.0)), s.slowBins(),
                "only the stall inside the window, at its offset from the window's start");

        ServerTimes.Summary all = ServerTimes.summarize(requests, null, Duration.ofMillis(100), Duration.ofMillis(45));
        assertEquals(300, all.latency().count());
        assertEquals(List.of(500L, 2500L), all.slowBins().stream().map(ServerTimes.SlowBin::offsetMillis).toList());
    }

    @Test
    void theCommandReadsASuitesServerLog(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("server.log");
        List<String> lines = new ArrayList<>();
        lines.add("{\"timestamp\":1,\"level\":\"INFO\",\"loggerName\":\"dev.lanyard.server.LanyardServer\",\"formattedMessage\":\"ready\"}");
        for (int i = 0; i < 100; i++) {
            lines.add(accessLine(10_000L + i * 10L, "/health/live", 50));
            lines.add(accessLine(10_000L + i * 10L, "/oauth2/aus_1/v1/token", i == 99 ? 90_000 : 3_000));
        }
        Files.write(log, lines);

        StringWriter out = new StringWriter();
        CommandLine cli = LanyardLoad.commandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("server-times", log.toString(), "--last", "0"));
        assertTrue(out.toString().startsWith("100 requests in 1.0 s: p50 3.0, p90 3.0, p99 3.0, max 90.0 ms"), out.toString());
        assertTrue(out.toString().contains("+0.9 s: 10 requests, slowest 90.0 ms"), out.toString());

        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(1, cli.execute("server-times", log.toString(), "--path", "/v1/data/.*"));
        assertTrue(err.toString().contains("no access-log line"), err.toString());
        assertEquals(2, cli.execute("server-times", dir.resolve("missing.log").toString()));
        assertEquals(2, cli.execute("server-times", log.toString(), "--path", "("));
    }
}
