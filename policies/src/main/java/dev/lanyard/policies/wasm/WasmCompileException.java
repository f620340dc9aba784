package dev.lanyard.policies.wasm;

/** The IR uses something the backend cannot lower (e.g. CallDynamicStmt, a builtin without host implementation). */
public final class WasmCompileException extends RuntimeException {
    public WasmCompileException(String message) {
        super(message);
    }

    public WasmCompileException(String message, Throwable cause) {
        super(message, cause);
    }
}
