package dev.lanyard.loadtest.report;

import dev.lanyard.loadtest.engine.LoadGenerator;
import dev.lanyard.loadtest.engine.LoadResult;
import dev.lanyard.loadtest.engine.LoadSpec;
import dev.lanyard.loadtest.scenario.RequestPlan;
import dev.lanyard.loadtest.support.TestServer;
import dev.lanyard.loadtest.endpoint.LoopbackTarget;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    @Test
    void writesWellFormedJsonAndSelfContainedHtml(@TempDir Path dir) throws Exception {
        Vertx vertx = LoadGenerator.newVertx(1);
        try (TestServer server = TestServer.start((n, req, respond) -> {
            if (req.path().equals("/slow")) {
                Vertx.currentContext().owner().setTimer(n % 3 == 0 ? 30 : 5, id -> respond.with(n % 10 == 0 ? 503 : 200));
            } else {
                respond.with(200);
            }
        })) {
            LoadGenerator generator = new LoadGenerator(vertx);
            LoopbackTarget target = new LoopbackTarget("127.0.0.1", server.port());
            LoadSpec spec = LoadSpec.closed(4, Duration.ofMillis(100), Duration.ofMillis(600));
            LoadResult fast = generator.run("fast", target, RequestPlan.get("/fast", Map.of()), spec)
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            LoadResult slow = generator.run("slow <&> \"quoted\"", target, RequestPlan.get("/slow", Map.of()), spec)
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            RunReport report = new RunReport(Instant.parse("2026-11-23T12:00:00Z"), MachineInfo.detect(), JavaRuntime.current(), 1,
                    new ServerInfo("server.jar", JavaRuntime.current(), target.baseUrl(), 1234, 50), spec, "fast",
                    List.of(fast, slow), Map.of("broken", "setup failed: 401"), Map.of("fast", new CpuShare(0.5, 1.25, 0.1)));

            JsonReport.write(report, dir.resolve("results.json"));
            HtmlReport.write(report, dir.resolve("report.html"));

            JsonObject json = new JsonObject(Files.readString(dir.resolve("results.json")));
            assertEquals("fast", json.getString("baseline"));
            assertEquals(1234, json.getJsonObject("server").getLong("start_to_ready_ms"));
            assertTrue(json.getJsonObject("machine").getInteger("cores") >= 1);
            assertFalse(json.getJsonObject("generator").getJsonObject("java").getString("version").isBlank());
            JsonArray scenarios = json.getJsonArray("scenarios");
            assertEquals(2, scenarios.size());
            JsonObject s = scenarios.getJsonObject(1);
            assertEquals("slow <&> \"quoted\"", s.getString("scenario"));
            assertEquals(slow.ok(), s.getLong("ok"));
            assertEquals(slow.nonSuccess(), s.getJsonObject("errors").getLong("non_2xx_total"));
            assertEquals(slow.nonSuccessStatuses().getOrDefault(503, 0L),
                    s.getJsonObject("errors").getJsonObject("non_2xx").getLong("503", 0L));
            JsonObject latency = s.getJsonObject("latency_ms");
            for (String key : List.of("p50", "p90", "p99", "p99_9", "max")) {
                assertTrue(latency.getDouble(key) > 0, key);
            }
            assertTrue(latency.getDouble("p50") <= latency.getDouble("p99"));
            assertTrue(latency.getDouble("p99") <= latency.getDouble("max"));
            assertTrue(latency.getJsonArray("percentiles").size() > 5);
            assertTrue(s.getDouble("throughput_rps") > 0);
            assertEquals(1.0, scenarios.getJsonObject(0).getJsonObject("ratio_to_baseline").getDouble("throughput"));
            assertTrue(s.getJsonObject("ratio_to_baseline").getDouble("throughput") > 0);
            assertEquals("setup failed: 401", json.getJsonObject("failures").getString("broken"));
            assertEquals(1.25, scenarios.getJsonObject(0).getJsonObject("cpu_cores").getDouble("server"));
            assertTrue(scenarios.getJsonObject(0).getJsonObject("cpu_cores").getDouble("ok_per_server_cpu_second") > 0);

            String html = Files.readString(dir.resolve("report.html"));
            assertFalse(html.contains("<script"), "no scripts");
            assertFalse(html.contains("src="), "no external resources");
            assertFalse(html.contains("href="), "no links to load");
            // Well-formed XML means every tag is closed and every special character escaped.
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            Document doc = f.newDocumentBuilder().parse(dir.resolve("report.html").toFile());
            NodeList svgs = doc.getElementsByTagName("svg");
            assertEquals(1, svgs.getLength());
            NodeList lines = doc.getElementsByTagName("polyline");
            assertEquals(2, lines.getLength(), "one series per scenario");
            assertEquals("slow <&> \"quoted\"", ((Element) lines.item(1)).getAttribute("data-scenario"));
            assertTrue(((Element) lines.item(0)).getAttribute("points").split(" ").length > 5);
            List<String> labels = new java.util.ArrayList<>();
            NodeList texts = doc.getElementsByTagName("text");
            for (int i = 0; i < texts.getLength(); i++) {
                labels.add(texts.item(i).getTextContent());
            }
            assertTrue(labels.containsAll(List.of("0%", "90%", "99%", "latency (ms)", "fast")), labels.toString());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
