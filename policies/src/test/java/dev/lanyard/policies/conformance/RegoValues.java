package dev.lanyard.policies.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.policies.rego.Term;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Canonical text of JSON values for comparison: numbers by numeric value, object keys sorted. */
final class RegoValues {
    private RegoValues() {}

    static String canonical(JsonNode n, boolean sortArrays) {
        StringBuilder sb = new StringBuilder();
        write(n, sortArrays, sb);
        return sb.toString();
    }

    private static void write(JsonNode n, boolean sortArrays, StringBuilder sb) {
        if (n == null || n.isNull()) {
            sb.append("null");
        } else if (n.isNumber()) {
            BigDecimal d = n.decimalValue();
            sb.append(d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
        } else if (n.isTextual()) {
            sb.append('"').append(n.asText().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        } else if (n.isBoolean()) {
            sb.append(n.asBoolean());
        } else if (n.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode x : n) items.add(canonical(x, false));
            if (sortArrays) items.sort(null);
            sb.append('[').append(String.join(",", items)).append(']');
        } else if (n.isObject()) {
            Map<String, String> sorted = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), canonical(e.getValue(), false));
            }
            sb.append('{');
            boolean first = true;
            for (var e : sorted.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                sb.append('"').append(e.getKey()).append("\":").append(e.getValue());
            }
            sb.append('}');
        } else {
            sb.append(n);
        }
    }

    /** A solution's canonical form: each binding canonicalised, arrays sorted when the case asks so. */
    static String solution(JsonNode obj, boolean sortBindings) {
        Map<String, String> sorted = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            sorted.put(e.getKey(), canonical(e.getValue(), sortBindings && e.getValue().isArray()));
        }
        return sorted.toString();
    }

    /** Converts a ground Rego term (input_term) to JSON; sets and non-string keys have no JSON form. */
    static JsonNode toJson(Term t) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (t instanceof Term.Null) return f.nullNode();
        if (t instanceof Term.Bool b) return f.booleanNode(b.value());
        if (t instanceof Term.Num n) return f.numberNode(new BigDecimal(n.text()));
        if (t instanceof Term.Str s) return f.textNode(s.value());
        if (t instanceof Term.ArrayTerm a) {
            ArrayNode out = f.arrayNode();
            for (Term x : a.items()) out.add(toJson(x));
            return out;
        }
        if (t instanceof Term.ObjectTerm o) {
            ObjectNode out = f.objectNode();
            for (int i = 0; i < o.keys().size(); i++) {
                if (!(o.keys().get(i) instanceof Term.Str k)) throw new IllegalArgumentException("input_term with non-string key");
                out.set(k.value(), toJson(o.values().get(i)));
            }
            return out;
        }
        throw new IllegalArgumentException("input_term without a JSON form: " + t);
    }
}
