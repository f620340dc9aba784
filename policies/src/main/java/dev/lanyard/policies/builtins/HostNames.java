package dev.lanyard.policies.builtins;

import java.util.Map;

/**
 * Name under which a builtin is declared in a module's {@code builtins()} export. opa-java-wasm lets its own default
 * builtins (e.g. {@code sprintf}) override user-registered ones of the same name, so builtins whose semantics must
 * be ours are declared under a {@code lanyard.} alias; {@link LanyardBuiltins} registers both names.
 */
public final class HostNames {
    private static final Map<String, String> ALIASES = Map.of("sprintf", "lanyard.sprintf");

    private HostNames() {}

    public static String hostName(String regoName) {
        return ALIASES.getOrDefault(regoName, regoName);
    }
}
