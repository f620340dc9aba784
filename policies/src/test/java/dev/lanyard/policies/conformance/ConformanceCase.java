package dev.lanyard.policies.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** One case of OPA's YAML evaluator test format (see shared/rego-conformance/README.md). */
record ConformanceCase(String category, String file, String note, List<String> modules, String query, JsonNode data,
                       JsonNode input, String inputTerm, JsonNode wantResult, String wantErrorCode, String wantError,
                       boolean strictError, boolean sortBindings) {

    static List<ConformanceCase> fromYaml(String category, String file, JsonNode root) {
        List<ConformanceCase> out = new ArrayList<>();
        for (JsonNode c : root.path("cases")) {
            List<String> modules = new ArrayList<>();
            for (JsonNode m : c.path("modules")) modules.add(m.asText());
            out.add(new ConformanceCase(category, file, c.path("note").asText(), modules, c.path("query").asText(),
                c.get("data"), c.get("input"), c.hasNonNull("input_term") ? c.get("input_term").asText() : null,
                c.get("want_result"), c.hasNonNull("want_error_code") ? c.get("want_error_code").asText() : null,
                c.hasNonNull("want_error") ? c.get("want_error").asText() : null, c.path("strict_error").asBoolean(false),
                c.path("sort_bindings").asBoolean(false)));
        }
        return out;
    }

    boolean expectsError() {
        return wantErrorCode != null || wantError != null;
    }
}
