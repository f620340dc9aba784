package dev.lanyard.policies.rego;

import java.util.List;
import java.util.Map;

/**
 * The output of the front end: every rule with its full data path ({@code Rule.path} includes the package), grouped
 * by path in source order, names resolved and checks passed.
 */
public record Program(Map<List<String>, List<Rule>> groups) {
    public Program {
        groups = Map.copyOf(groups);
    }

    public List<Rule> group(List<String> path) {
        return groups.get(path);
    }

    public boolean isFunction(List<String> path) {
        List<Rule> g = groups.get(path);
        return g != null && g.get(0).kind() == Rule.Kind.FUNCTION;
    }
}
