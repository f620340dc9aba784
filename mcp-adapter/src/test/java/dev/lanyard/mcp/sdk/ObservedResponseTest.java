package dev.lanyard.mcp.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit record of a tool call must exist by the time its client can read the answer (a client, or a test, that
 * has its result may look for the record at once). {@link ObservedResponse} therefore reports the answer before the
 * bytes carrying it can leave: on the write that completes an SSE event, on the flush after a whole JSON document.
 * A real Tomcat serves a body in two steps while the client reads it.
 */
class ObservedResponseTest {
    private static final String ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[],\"isError\":false}}";
    private static final int SPLIT = 20;

    @TempDir
    static Path base;
    static Tomcat tomcat;
    static HttpClient http = HttpClient.newHttpClient();

    static volatile CountDownLatch firstPartRead;
    static volatile CountDownLatch allRead;
    static final AtomicReference<JsonNode> answered = new AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", base.toString());
        Tomcat.addServlet(ctx, "twoSteps", new TwoSteps());
        ctx.addServletMappingDecoded("/call", "twoSteps");
        FilterDef def = new FilterDef();
        def.setFilterName("observe");
        def.setFilter((Filter) (request, response, chain) -> {
            ObservedResponse observed = new ObservedResponse((HttpServletResponse) response,
                    IntNode.valueOf(Integer.parseInt(request.getParameter("id"))));
            observed.onAnswer(() -> answered.set(observed.response()));
            chain.doFilter(request, observed);
        });
        ctx.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("observe");
        map.addURLPatternDecoded("/call");
        ctx.addFilterMap(map);
        tomcat.start();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        for (String property : new String[] {"catalina.home", "catalina.base"}) {
            if (base.toString().equals(System.getProperty(property))) {
                System.clearProperty(property);
            }
        }
    }

    @BeforeEach
    void reset() {
        answered.set(null);
        firstPartRead = new CountDownLatch(1);
        allRead = new CountDownLatch(1);
    }

    /** Writes the body in two flushed parts, each after the client has read what came before, then holds the exchange open. */
    static final class TwoSteps extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
            boolean sse = "sse".equals(req.getParameter("mode"));
            String body = sse ? "data: " + ANSWER + "\n\n" : ANSWER;
            res.setContentType(sse ? "text/event-stream" : "application/json");
            if (sse) {
                OutputStream out = res.getOutputStream();
                out.write(body.substring(0, SPLIT).getBytes(StandardCharsets.UTF_8));
                out.flush();
                await(firstPartRead);
                out.write(body.substring(SPLIT).getBytes(StandardCharsets.UTF_8));
                out.flush();
            } else {
                PrintWriter out = res.getWriter();
                out.write(body.substring(0, SPLIT));
                out.flush();
                await(firstPartRead);
                out.write(body.substring(SPLIT));
                out.flush();
            }
            // the exchange stays open: only what happened before the bytes left can have produced the record
            await(allRead);
        }

        private static void await(CountDownLatch latch) {
            try {
                latch.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String read(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        assertEquals(n, b.length, "the body ended early");
        return new String(b, StandardCharsets.UTF_8);
    }

    private void call(String mode, int id, boolean expectAnswer) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort()
                + "/call?mode=" + mode + "&id=" + id)).POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            int length = ("sse".equals(mode) ? ("data: " + ANSWER + "\n\n") : ANSWER).length();
            read(in, SPLIT);
            assertNull(answered.get(), "half a response is no answer");
            firstPartRead.countDown();
            read(in, length - SPLIT);
            if (expectAnswer) {
                JsonNode answer = answered.get();
                assertNotNull(answer, "the answer is reported before the client can read it");
                assertEquals(7, answer.path("id").asInt());
                assertFalse(answer.path("result").path("isError").asBoolean());
            } else {
                assertNull(answered.get(), "an answer to another request is not this call's");
            }
            allRead.countDown();
        }
        assertEquals(200, r.statusCode());
    }

    @Test
    void aJsonAnswerIsReportedWhenItIsFlushedWhole() throws Exception {
        call("json", 7, true);
    }

    @Test
    void anSseAnswerIsReportedWhenItsEventIsComplete() throws Exception {
        call("sse", 7, true);
    }

    @Test
    void theAnswerToAnotherRequestIsNotReported() throws Exception {
        call("json", 8, false);
        call("sse", 8, false);
    }
}
