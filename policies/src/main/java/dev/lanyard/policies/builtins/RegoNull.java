package dev.lanyard.policies.builtins;

/** Rego's {@code null} (Java null is reserved for "undefined" in builtin results). */
public enum RegoNull {
    NULL;

    @Override
    public String toString() {
        return "null";
    }
}
