package dev.lanyard.policies.ir;

/** Source location carried by every statement for runtime error messages (file is an index into static files). */
public record Loc(int file, int row, int col) {
    public static final Loc NONE = new Loc(0, 0, 0);
}
