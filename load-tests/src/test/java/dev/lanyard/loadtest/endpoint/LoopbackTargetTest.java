package dev.lanyard.loadtest.endpoint;

import dev.lanyard.loadtest.LanyardLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopbackTargetTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"})
    void acceptsLoopback(String host) {
        assertEquals(host, new LoopbackTarget(host, 8080).host());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "192.168.1.10", "0.0.0.0", "example.com", "127.0.0.1.example.com",
            "localhost.example.com", "128.0.0.1", "127.0.0.256", "::2", "fe80::1", ""})
    void refusesEverythingElse(String host) {
        NonLoopbackTargetException e = assertThrows(NonLoopbackTargetException.class, () -> new LoopbackTarget(host, 80));
        assertTrue(e.getMessage().contains("only loopback targets"), e.getMessage());
    }

    @Test
    void parsesUrlsIntoTargetAndPath() {
        LoopbackTarget.Endpoint e = LoopbackTarget.parseUrl("http://127.0.0.1:8080/api/v1/ai-agents/x?a=b");
        assertEquals(new LoopbackTarget("127.0.0.1", 8080), e.target());
        assertEquals("/api/v1/ai-agents/x?a=b", e.path());
        assertEquals("/", LoopbackTarget.parseUrl("http://[::1]:9000").path());
        assertThrows(NonLoopbackTargetException.class, () -> LoopbackTarget.parseUrl("http://10.1.1.1:8080/health/live"));
        assertThrows(IllegalArgumentException.class, () -> LoopbackTarget.parseUrl("https://127.0.0.1/"));
    }

    @Test
    void runCommandRefusesANonLoopbackUrlBeforeSendingAnything() {
        StringWriter err = new StringWriter();
        CommandLine cli = LanyardLoad.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("run", "--url", "http://203.0.113.7:8080/health/live", "--duration", "1s", "--warmup", "0s");
        assertEquals(LanyardLoad.REFUSED, code);
        assertTrue(err.toString().contains("refusing to send load to '203.0.113.7'"), err.toString());
    }
}
