package dev.lanyard.policies.builtins;

/** A builtin failed (type error, invalid argument); evaluation treats the call as undefined, as OPA's WASM does. */
public final class BuiltinError extends RuntimeException {
    public BuiltinError(String message) {
        super(message, null, false, false);
    }
}
