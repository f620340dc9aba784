package dev.lanyard.policies.rego;

import java.util.List;

/** A parsed module: package path (without "data"), imports and rules in source order. */
public record Module(String file, List<String> pkg, List<Import> imports, List<Rule> rules, Pos pos) {
    public Module {
        pkg = List.copyOf(pkg);
        imports = List.copyOf(imports);
        rules = List.copyOf(rules);
    }

    /** {@code import <root>.<path…> [as alias]}; root is "data", "input" or "rego"/"future". */
    public record Import(String root, List<String> path, String alias, Pos pos) {
        public Import {
            path = List.copyOf(path);
        }

        /** The name the import binds in the module. */
        public String name() {
            if (alias != null) return alias;
            return path.isEmpty() ? root : path.get(path.size() - 1);
        }
    }
}
