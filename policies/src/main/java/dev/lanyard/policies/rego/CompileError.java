package dev.lanyard.policies.rego;

/**
 * A located compile error; {@link #toString()} gives the conventional {@code file:line:col: message} form (just
 * {@code file: message} or {@code message} for an error with no line, such as an undefined entrypoint).
 */
public record CompileError(String file, int line, int col, String message) {
    public static CompileError at(Pos pos, String message) {
        return new CompileError(pos.file(), pos.line(), pos.col(), message);
    }

    @Override
    public String toString() {
        if (line <= 0) {
            return file.isEmpty() ? message : file + ": " + message;
        }
        return file + ":" + line + ":" + col + ": " + message;
    }
}
