package dev.lanyard.policies.plan;

import dev.lanyard.policies.rego.Program;
import dev.lanyard.policies.rego.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rule tree by data path. A node either holds a rule group (a leaf) or has children; base documents may live
 * at and below any node without rules. Children are sorted so planned code is deterministic.
 */
final class RuleTrie {
    final List<String> path;
    final Map<String, RuleTrie> children = new TreeMap<>();
    List<Rule> rules;

    private RuleTrie(List<String> path) {
        this.path = List.copyOf(path);
    }

    static RuleTrie build(Program program) {
        RuleTrie root = new RuleTrie(List.of());
        for (var e : program.groups().entrySet()) {
            RuleTrie node = root;
            List<String> p = new ArrayList<>();
            for (String seg : e.getKey()) {
                p.add(seg);
                List<String> snapshot = List.copyOf(p);
                node = node.children.computeIfAbsent(seg, k -> new RuleTrie(snapshot));
            }
            node.rules = e.getValue();
        }
        return root;
    }

    boolean hasRules() {
        return rules != null;
    }

    boolean isFunction() {
        return rules != null && rules.get(0).kind() == Rule.Kind.FUNCTION;
    }

    RuleTrie child(String name) {
        return children.get(name);
    }

    /** True if any rule (not function) lives at or below this node. */
    boolean hasVirtualDocs() {
        if (rules != null) return !isFunction();
        for (RuleTrie c : children.values()) if (c.hasVirtualDocs()) return true;
        return false;
    }
}
