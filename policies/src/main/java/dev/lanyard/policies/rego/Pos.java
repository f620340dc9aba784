package dev.lanyard.policies.rego;

/** A source position (1-based line and column). */
public record Pos(String file, int line, int col) {
    public static final Pos NONE = new Pos("", 0, 0);

    @Override
    public String toString() {
        return file + ":" + line + ":" + col;
    }
}
