package dev.lanyard.policies.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.policies.PolicySet;
import dev.lanyard.policies.RegoCompiler;
import dev.lanyard.policies.engine.Bundle;
import dev.lanyard.policies.engine.PolicyEngine;
import dev.lanyard.policies.wasm.WasmBackend;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One decision per call on one thread, through {@link PolicyEngine} (input parsing, evaluation, result dump). The
 * baseline is OPA's own demo module from the opa-java-wasm jar (one rule), measured in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class EvalBenchmark {
    private PolicyEngine lanyard;
    private PolicyEngine shipped;
    private PolicyEngine demo;

    /** Inputs shaped as the server and the MCP adapter build them for the shipped policy set. */
    static final String SHIPPED_TOKEN_INPUT = """
            {"grant":"client_credentials","agent":{"id":"agt_AAAAAAAAAAAAAAAAAAAA","type":"autonomous","status":"ACTIVE",\
            "owners":[{"id":"usr_BBBBBBBBBBBBBBBBBBBB","status":"ACTIVE"}],"risk":"low",\
            "default_scopes":["tickets.read","tickets.write"],"tags":["bench"],"max_session_seconds":3600},\
            "principal":null,"connection":{"id":"con_CCCCCCCCCCCCCCCCCCCC","type":"CLIENT_CREDENTIALS","status":"ACTIVE",\
            "scopes":["tickets.read","tickets.write"]},"resource":{"uri":"https://tools.example/mcp","tags":["internal"],\
            "scopes":["tickets.read","tickets.write","tickets.admin"]},"requested_scopes":["tickets.read"],\
            "actor_chain":[],"request":{"ip":"127.0.0.1","time":"2026-12-06T19:00:00Z"},"session":null,"approvals":[]}""";
    static final String SHIPPED_MCP_INPUT = """
            {"token":{"sub":"agt_AAAAAAAAAAAAAAAAAAAA","client_id":"agt_AAAAAAAAAAAAAAAAAAAA","scope":"tickets:read",\
            "jti":"atj_x","iss":"http://127.0.0.1/oauth2/aus_x","agent_id":"agt_AAAAAAAAAAAAAAAAAAAA","act":null,\
            "aud":["https://tools.example/mcp"]},"agent":null,"principal":null,\
            "server":{"resource":"https://tools.example/mcp"},"tool":{"name":"read_ticket","arguments":{"id":"T-1"}},\
            "request":{"method":"tools/call","ip":"127.0.0.1","time":"2026-12-06T19:00:00Z"}}""";

    private static final ObjectMapper TREES = new ObjectMapper();

    @Setup
    public void setup() {
        Bundle b = RegoCompiler.compile(BenchPolicies.sources(), BenchPolicies.ENTRYPOINTS, BenchPolicies.DATA, "bench");
        lanyard = new PolicyEngine(b, 1);
        demo = new PolicyEngine(new Bundle(WasmBackend.runtimeModule(), "{\"role\":{\"alice\":\"admin\"}}", "demo",
                List.of("opa/wasm/test/allowed")), 1);
        shipped = new PolicyEngine(PolicySet.bundledDefault().bundle(), 1);
        for (String r : List.of(lanyard.evaluate("lanyard/token/decision", BenchPolicies.TOKEN_INPUT),
                shipped.evaluate("lanyard/token/decision", SHIPPED_TOKEN_INPUT),
                shipped.evaluate("lanyard/mcp/decision", SHIPPED_MCP_INPUT))) {
            if (!r.contains("\"allow\":true")) {
                throw new IllegalStateException("unexpected decision " + r);
            }
        }
    }

    /** ~30-rule token decision (scopes narrowing, CIDR check, sprintf, min, object.get). */
    @Benchmark
    public String tokenDecision() {
        return lanyard.evaluate("lanyard/token/decision", BenchPolicies.TOKEN_INPUT);
    }

    @Benchmark
    public String mcpDecision() {
        return lanyard.evaluate("lanyard/mcp/decision", BenchPolicies.MCP_INPUT);
    }

    /** The policy set Lanyard ships ({@code policies/rego/lanyard}), token decision. */
    @Benchmark
    public String shippedTokenDecision() {
        return shipped.evaluate("lanyard/token/decision", SHIPPED_TOKEN_INPUT);
    }

    /** The policy set Lanyard ships, MCP tool-call decision (an allowed read). */
    @Benchmark
    public String shippedMcpDecision() {
        return shipped.evaluate("lanyard/mcp/decision", SHIPPED_MCP_INPUT);
    }

    /** A shipped decision's input as its callers hold it: a tree. */
    @State(Scope.Thread)
    public static class TreeInput {
        @Param({"mcp", "token"})
        public String decision;
        String entrypoint;
        JsonNode tree;

        @Setup
        public void setup() throws Exception {
            entrypoint = "lanyard/" + decision + "/decision";
            tree = TREES.readTree(decision.equals("mcp") ? SHIPPED_MCP_INPUT : SHIPPED_TOKEN_INPUT);
        }
    }

    /**
     * Callers (the server's decision point, the adapter's local decisions) hold the input as a tree: handed over as
     * such, or written to text first for the engine to parse again (the path before 2026-12-07).
     */
    @Benchmark
    public String shippedDecisionFromTree(TreeInput in) {
        return shipped.evaluate(in.entrypoint, in.tree);
    }

    @Benchmark
    public String shippedDecisionFromTreeAsText(TreeInput in) throws Exception {
        return shipped.evaluate(in.entrypoint, TREES.writeValueAsString(in.tree));
    }

    @Benchmark
    public String baselineOpaDemo() {
        return demo.evaluate("opa/wasm/test/allowed", "{\"user\":\"alice\"}");
    }
}
