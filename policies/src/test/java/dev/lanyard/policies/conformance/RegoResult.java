package dev.lanyard.policies.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.styra.opa.wasm.OpaPolicy;
import com.styra.opa.wasm.OpaWasm;
import dev.lanyard.policies.rego.Parser;
import dev.lanyard.policies.rego.Source;
import dev.lanyard.policies.rego.Term;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a result set the way OPA's own WASM test harness does: as a Rego value ({@code opa_value_dump}), so sets stay
 * sets, then converted to JSON with set elements in Rego's order. {@link OpaPolicy#evaluate()} only offers the JSON
 * dump, where a set becomes an array in the runtime's hash order; the harness never sees that order.
 */
final class RegoResult {
    private RegoResult() {}

    /** Evaluates the policy (input, data and entrypoint already set) and returns the result set in Rego syntax. */
    static String evaluate(OpaPolicy policy) throws ReflectiveOperationException {
        OpaWasm wasm = (OpaWasm) field(policy, "wasm");
        int data = (int) field(policy, "dataAddr");
        int input = (int) field(policy, "inputAddr");
        int entrypoint = (int) field(policy, "entrypoint");
        var exports = wasm.exports();
        int ctx = exports.opaEvalCtxNew();
        exports.opaEvalCtxSetData(ctx, data);
        exports.opaEvalCtxSetInput(ctx, input);
        exports.opaEvalCtxSetEntrypoint(ctx, entrypoint);
        int rc = exports.eval(ctx);
        if (rc != 0) throw new IllegalStateException("eval returned " + rc);
        return wasm.readString(exports.opaValueDump(exports.opaEvalCtxGetResult(ctx)));
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    static JsonNode toJson(String regoValue) {
        return toJson(Parser.parseTerm(new Source("result", regoValue)));
    }

    static JsonNode toJson(Term t) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (t instanceof Term.SetTerm s) {
            List<JsonNode> items = new ArrayList<>();
            for (Term x : s.items()) items.add(toJson(x));
            items.sort(REGO_ORDER);
            ArrayNode out = f.arrayNode();
            items.forEach(out::add);
            return out;
        }
        if (t instanceof Term.ArrayTerm a) {
            ArrayNode out = f.arrayNode();
            for (Term x : a.items()) out.add(toJson(x));
            return out;
        }
        if (t instanceof Term.ObjectTerm o) {
            ObjectNode out = f.objectNode();
            for (int i = 0; i < o.keys().size(); i++) {
                Term k = o.keys().get(i);
                // non-string keys are reported by their JSON text, as OPA's JSON conversion does
                String key = k instanceof Term.Str str ? str.value() : toJson(k).toString();
                out.set(key, toJson(o.values().get(i)));
            }
            return out;
        }
        return RegoValues.toJson(t);
    }

    /** Rego's total order on JSON values: null < booleans < numbers < strings < arrays < objects. */
    static final Comparator<JsonNode> REGO_ORDER = RegoResult::compare;

    private static int rank(JsonNode n) {
        if (n.isNull()) return 0;
        if (n.isBoolean()) return 1;
        if (n.isNumber()) return 2;
        if (n.isTextual()) return 3;
        if (n.isArray()) return 4;
        return 5;
    }

    private static int compare(JsonNode a, JsonNode b) {
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) return Integer.compare(ra, rb);
        switch (ra) {
            case 0:
                return 0;
            case 1:
                return Boolean.compare(a.asBoolean(), b.asBoolean());
            case 2:
                return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText()));
            case 3:
                return a.asText().compareTo(b.asText());
            case 4:
                for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                    int c = compare(a.get(i), b.get(i));
                    if (c != 0) return c;
                }
                return Integer.compare(a.size(), b.size());
            default:
                List<Map.Entry<String, JsonNode>> ea = sortedFields(a);
                List<Map.Entry<String, JsonNode>> eb = sortedFields(b);
                for (int i = 0; i < Math.min(ea.size(), eb.size()); i++) {
                    int c = ea.get(i).getKey().compareTo(eb.get(i).getKey());
                    if (c != 0) return c;
                    c = compare(ea.get(i).getValue(), eb.get(i).getValue());
                    if (c != 0) return c;
                }
                return Integer.compare(ea.size(), eb.size());
        }
    }

    private static List<Map.Entry<String, JsonNode>> sortedFields(JsonNode o) {
        Map<String, JsonNode> m = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = o.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue());
        }
        return new ArrayList<>(m.entrySet());
    }
}
