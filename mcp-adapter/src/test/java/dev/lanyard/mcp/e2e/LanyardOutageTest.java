package dev.lanyard.mcp.e2e;

import dev.lanyard.server.TestDirs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.audit.AuditEmitter;
import dev.lanyard.mcp.proxy.ProxyCommand;
import dev.lanyard.mcp.sample.SampleMcpServer;
import dev.lanyard.mcp.support.Http;
import dev.lanyard.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The Lanyard server goes away and comes back. Tool-call records made meanwhile wait in the adapter's spool — also
 * across a restart of the adapter — and reach the audit trail afterwards, in order and once each. An adapter that
 * decides through the server fails closed: tool errors while decisions are unavailable, 503 once the kill-switch feed
 * has been lost for longer than its bound.
 */
class LanyardOutageTest {

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static Http.Resp call(String url, String token, int id, String tool, String args) {
        return Http.post(url, Http.mcpHeaders(token), Http.toolCall(id, tool, args));
    }

    @Test
    void recordsSurviveAServerOutageAndAnAdapterRestartAndTheRemoteDecisionsFailClosed() throws Exception {
        Path data = TestDirs.create("lanyard-outage-");
        int lanyardPort = TestServer.freePort();
        TestServer lanyard = TestServer.start(data, lanyardPort);
        SampleMcpServer upstream = SampleMcpServer.start(0);
        ProxyCommand.Running local = null;
        ProxyCommand.Running remote = null;
        try {
            LanyardWorld world = new LanyardWorld(lanyard);
            // two proxies: one deciding in process (keeps serving through an outage, within a long staleness bound),
            // one deciding through the server's Data API (fails closed)
            int lp = TestServer.freePort();
            String localUrl = "http://127.0.0.1:" + lp + "/mcp";
            String localResource = world.resource(localUrl);
            Path localState = TestDirs.create("local-proxy-state");
            local = LanyardEndToEndTest.proxy(lp, localUrl, world, upstream.statelessUrl(), localState, "10m", "default");
            int rp = TestServer.freePort();
            String remoteUrl = "http://127.0.0.1:" + rp + "/mcp";
            String remoteResource = world.resource(remoteUrl);
            remote = LanyardEndToEndTest.proxy(rp, remoteUrl, world, upstream.statelessUrl(), TestDirs.create("remote-proxy-state"), "2s", null);

            LanyardWorld.Agent a = world.agent(localResource);
            String token = world.token(a, localUrl, "tickets:read tickets:write");
            LanyardWorld.Agent b = world.agent(remoteResource);
            String remoteToken = world.token(b, remoteUrl, "tickets:read");
            ProxyCommand.Running l = local;
            ProxyCommand.Running r = remote;
            await(() -> l.guard().feed().orElseThrow().connected() && r.guard().feed().orElseThrow().connected(), "feeds connected");
            assertEquals(200, call(localUrl, token, 1, "create_ticket", "{\"title\":\"before\"}").status());
            assertEquals(200, call(remoteUrl, remoteToken, 1, "read_ticket", "{\"id\":\"T-1\"}").status());
            world.awaitToolCalls(a.id(), 1);

            lanyard.close();
            for (int i = 2; i <= 4; i++) {
                Http.Resp during = call(localUrl, token, i, "create_ticket", "{\"title\":\"during " + i + "\"}");
                assertEquals(200, during.status(), during.toString());
                assertTrue(Http.message(during).path("result").path("content").get(0).path("text").asText().startsWith("Created ticket"));
            }
            AuditEmitter emitter = local.guard().emitter().orElseThrow();
            await(() -> emitter.spooled() == 3, "three records in the spool");

            // decisions through the unreachable server: refused as a tool error, then 503 once the feed is stale
            Http.Resp refused = call(remoteUrl, remoteToken, 2, "read_ticket", "{\"id\":\"T-1\"}");
            assertTrue(refused.status() == 503 || Http.message(refused).path("result").path("isError").asBoolean(), refused.toString());
            await(() -> call(remoteUrl, remoteToken, 3, "read_ticket", "{\"id\":\"T-1\"}").status() == 503, "fails closed");
            Http.Resp closed = call(remoteUrl, remoteToken, 4, "read_ticket", "{\"id\":\"T-1\"}");
            assertEquals("5", closed.header("Retry-After"));
            assertEquals(-32001, closed.json().path("error").path("code").asInt());

            // the adapter restarts while the server is still down: the spool is on disk
            local.close();
            local = null;
            lanyard = TestServer.start(data, lanyardPort);
            local = LanyardEndToEndTest.proxy(lp, localUrl, world, upstream.statelessUrl(), localState, "10m", "default");

            List<JsonNode> calls = world.awaitToolCalls(a.id(), 4);
            assertEquals(List.of(1, 2, 3, 4), calls.stream().map(c -> c.path("jsonrpc_id").asInt()).toList(), "in order");
            assertEquals(4, new HashSet<>(calls.stream().map(c -> c.path("id").asText()).toList()).size(), "once each");
            ProxyCommand.Running l2 = local;
            await(() -> l2.guard().emitter().orElseThrow().pending() == 0, "spool drained");

            // the remote proxy's refusals were spooled as well, and it recovers once its feed is back
            List<JsonNode> refusals = world.awaitToolCalls(b.id(), 4);
            assertTrue(refusals.size() >= 4, refusals.toString());
            await(() -> call(remoteUrl, remoteToken, 9, "read_ticket", "{\"id\":\"T-1\"}").status() == 200, "remote proxy recovered");
        } finally {
            if (local != null) {
                local.close();
            }
            if (remote != null) {
                remote.close();
            }
            upstream.close();
            lanyard.close();
        }
    }
}
