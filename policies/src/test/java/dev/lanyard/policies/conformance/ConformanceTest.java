package dev.lanyard.policies.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.styra.opa.wasm.OpaBuiltin;
import com.styra.opa.wasm.OpaPolicy;
import dev.lanyard.policies.engine.Bundle;
import dev.lanyard.policies.engine.PolicyEngine;
import dev.lanyard.policies.ir.Policy;
import dev.lanyard.policies.plan.Planner;
import dev.lanyard.policies.rego.Parser;
import dev.lanyard.policies.rego.RegoCompileException;
import dev.lanyard.policies.rego.Source;
import dev.lanyard.policies.wasm.WasmBackend;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs OPA's YAML evaluator cases through parser, planner, WASM backend and opa-java-wasm. Every case ends as pass,
 * fail, or unsupported; unsupported means the compiler refused the case with a deliberate "unsupported:" compile
 * error. Any fail fails the build. Results go to target/conformance.json.
 */
public class ConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    enum Status { PASS, FAIL, UNSUPPORTED }

    record Outcome(ConformanceCase c, Status status, String detail) {}

    static Path casesDir() {
        String env = System.getenv("LANYARD_CONFORMANCE_DIR");
        if (env != null && !env.isBlank()) return Paths.get(env);
        return Paths.get("..", "..", "shared", "rego-conformance", "cases").toAbsolutePath().normalize();
    }

    static List<ConformanceCase> loadCases(Path dir) throws IOException {
        List<ConformanceCase> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
                String category = dir.relativize(f).getName(0).toString();
                out.addAll(ConformanceCase.fromYaml(category, dir.relativize(f).toString(), YAML.readTree(f.toFile())));
            }
        }
        return out;
    }

    @Test
    void conformance() throws Exception {
        Path dir = casesDir();
        assertTrue(Files.isDirectory(dir), "conformance cases not found at " + dir);
        List<ConformanceCase> cases = loadCases(dir);
        OpaBuiltin.Builtin[] builtins = hostBuiltins();
        List<Outcome> outcomes = new ArrayList<>();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "conformance-case");
            t.setDaemon(true);
            return t;
        });
        try {
            for (ConformanceCase c : cases) {
                Future<Outcome> f = pool.submit(() -> run(c, builtins));
                Outcome o;
                try {
                    o = f.get(20, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    o = new Outcome(c, Status.FAIL, "timeout");
                } catch (ExecutionException e) {
                    o = new Outcome(c, Status.FAIL, "runner error: " + e.getCause());
                }
                outcomes.add(o);
            }
        } finally {
            pool.shutdownNow();
        }
        report(outcomes);
        List<String> fails = outcomes.stream().filter(o -> o.status() == Status.FAIL)
            .map(o -> o.c().file() + " :: " + o.c().note() + " :: " + o.detail()).toList();
        assertTrue(fails.isEmpty(), fails.size() + " conformance failures:\n" + String.join("\n", fails));
    }

    public static OpaBuiltin.Builtin[] hostBuiltins() {
        try {
            Class<?> lib = Class.forName("dev.lanyard.policies.builtins.LanyardBuiltins");
            Method all = lib.getMethod("all");
            Object r = all.invoke(null);
            if (r instanceof OpaBuiltin.Builtin[] arr) return arr;
            if (r instanceof Collection<?> col) return col.toArray(new OpaBuiltin.Builtin[0]);
            throw new IllegalStateException("LanyardBuiltins.all() returned " + r.getClass());
        } catch (ClassNotFoundException e) {
            return new OpaBuiltin.Builtin[0];
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static Outcome run(ConformanceCase c, OpaBuiltin.Builtin[] builtins) {
        List<Source> modules = new ArrayList<>();
        for (int i = 0; i < c.modules().size(); i++) modules.add(new Source("module" + i + ".rego", c.modules().get(i)));
        byte[] wasm;
        try {
            Policy ir = Planner.planQuery(modules, new Source("query.rego", c.query()));
            wasm = WasmBackend.compile(ir);
        } catch (RegoCompileException e) {
            if (e.getMessage().contains("unsupported:")) return new Outcome(c, Status.UNSUPPORTED, e.getMessage());
            return new Outcome(c, Status.FAIL, "compile error: " + e.getMessage());
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("unsupported:")) return new Outcome(c, Status.UNSUPPORTED, e.getMessage());
            return new Outcome(c, Status.FAIL, "backend error: " + e);
        }
        String result;
        String data;
        String input;
        try {
            data = c.data() == null || c.data().isNull() ? "{}" : JSON.writeValueAsString(c.data());
            if (c.inputTerm() != null) {
                input = JSON.writeValueAsString(RegoValues.toJson(Parser.parseTerm(new Source("input", c.inputTerm()))));
            } else if (c.input() != null) {
                input = JSON.writeValueAsString(c.input());
            } else {
                // "" parses to address 0, i.e. undefined input. It must be set explicitly: if evaluate() sets it
                // itself, opa-java-wasm 1.0.4 first allocates the eval context and then resets the heap to the
                // end of data, so parsing the input overwrites the context.
                input = "";
            }
        } catch (IOException | RuntimeException e) {
            return new Outcome(c, Status.FAIL, "unreadable case input: " + e);
        }
        try {
            OpaPolicy policy = OpaPolicy.builder().withPolicy(wasm).addBuiltins(builtins).build();
            policy.entrypoint(Planner.QUERY_PLAN);
            policy.data(data);
            policy.input(input);
            result = policy.evaluate();
        } catch (Throwable e) {
            Outcome viaEngine = engineAgrees(c, wasm, data, input, null);
            return viaEngine != null ? viaEngine : judgeError(c, e);
        }
        Outcome viaEngine = engineAgrees(c, wasm, data, input, result);
        return viaEngine != null ? viaEngine : judgeResult(c, result);
    }

    /**
     * Evaluates the case again through Lanyard's {@link PolicyEngine}, which writes the input into the module's heap
     * and reads the result out of it in Java instead of using the runtime's JSON parser and writer. It must answer
     * exactly as opa-java-wasm's own path did (the same JSON value, or an error as well); null when it does.
     */
    private static Outcome engineAgrees(ConformanceCase c, byte[] wasm, String data, String input, String expected) {
        String actual;
        try {
            PolicyEngine engine = new PolicyEngine(new Bundle(wasm, data, "conformance", List.of(Planner.QUERY_PLAN)), 1);
            actual = engine.evaluate(Planner.QUERY_PLAN, input);
        } catch (Throwable e) {
            return expected == null ? null
                    : new Outcome(c, Status.FAIL, "PolicyEngine failed where opa-java-wasm answered " + expected + ": " + e);
        }
        if (expected == null) {
            return new Outcome(c, Status.FAIL, "PolicyEngine answered " + actual + " where opa-java-wasm failed");
        }
        try {
            if (!JSON.readTree(actual).equals(JSON.readTree(expected))) {
                return new Outcome(c, Status.FAIL, "PolicyEngine answered " + actual + ", opa-java-wasm " + expected);
            }
        } catch (IOException e) {
            return new Outcome(c, Status.FAIL, "PolicyEngine answered unreadable JSON: " + actual);
        }
        return null;
    }

    private static Outcome judgeError(ConformanceCase c, Throwable e) {
        String msg = String.valueOf(e.getMessage());
        if (c.expectsError() && !c.strictError()) {
            if ("eval_conflict_error".equals(c.wantErrorCode()) && !msg.contains("conflict")) {
                return new Outcome(c, Status.FAIL, "expected a conflict error, got: " + msg);
            }
            return new Outcome(c, Status.PASS, "error: " + msg);
        }
        return new Outcome(c, Status.FAIL, "unexpected error: " + e);
    }

    private static Outcome judgeResult(ConformanceCase c, String result) {
        JsonNode actual;
        try {
            actual = JSON.readTree(result);
        } catch (IOException e) {
            return new Outcome(c, Status.FAIL, "unreadable result: " + result);
        }
        if (c.expectsError()) {
            if (!c.strictError()) return new Outcome(c, Status.FAIL, "expected error " + c.wantErrorCode() + ", got " + result);
            // OPA's WASM target has no strict builtin errors: the expression is undefined instead
            if (actual.isArray() && actual.isEmpty()) return new Outcome(c, Status.PASS, "");
            return new Outcome(c, Status.FAIL, "expected undefined (strict error under WASM), got " + result);
        }
        Set<String> want = new HashSet<>();
        JsonNode wantNode = c.wantResult() == null ? JSON.createArrayNode() : c.wantResult();
        for (JsonNode w : wantNode) want.add(RegoValues.solution(w, c.sortBindings()));
        Set<String> got = new HashSet<>();
        for (JsonNode a : actual) got.add(RegoValues.solution(a, c.sortBindings()));
        if (want.equals(got)) return new Outcome(c, Status.PASS, "");
        return new Outcome(c, Status.FAIL, "want " + want + " got " + got);
    }

    private static void report(List<Outcome> outcomes) throws IOException {
        Map<String, int[]> byCategory = new TreeMap<>();
        for (Outcome o : outcomes) byCategory.computeIfAbsent(o.c().category(), k -> new int[3])[o.status().ordinal()]++;
        int[] total = new int[3];
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-28s %5s %5s %12s%n", "category", "pass", "fail", "unsupported"));
        for (var e : byCategory.entrySet()) {
            int[] v = e.getValue();
            for (int i = 0; i < 3; i++) total[i] += v[i];
            sb.append(String.format("%-28s %5d %5d %12d%n", e.getKey(), v[0], v[1], v[2]));
        }
        sb.append(String.format("%-28s %5d %5d %12d%n", "TOTAL", total[0], total[1], total[2]));
        System.out.println(sb);
        for (Outcome o : outcomes) {
            if (o.status() != Status.PASS) System.out.println(o.status() + " " + o.c().note() + " :: " + o.detail());
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("cases_dir", casesDir().toString());
        ObjectNode totals = root.putObject("totals");
        totals.put("pass", total[0]);
        totals.put("fail", total[1]);
        totals.put("unsupported", total[2]);
        totals.put("total", outcomes.size());
        ObjectNode cats = root.putObject("categories");
        for (var e : byCategory.entrySet()) {
            ObjectNode cn = cats.putObject(e.getKey());
            cn.put("pass", e.getValue()[0]);
            cn.put("fail", e.getValue()[1]);
            cn.put("unsupported", e.getValue()[2]);
        }
        ArrayNode arr = root.putArray("cases");
        for (Outcome o : outcomes) {
            ObjectNode n = arr.addObject();
            n.put("file", o.c().file());
            n.put("note", o.c().note());
            n.put("status", o.status().name().toLowerCase());
            if (!o.detail().isEmpty()) n.put("detail", o.detail());
        }
        Path out = Paths.get("target", "conformance.json");
        Files.createDirectories(out.getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), root);
    }
}
