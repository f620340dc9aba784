package dev.lanyard.policies.rego;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown by every compiler pass; carries all errors found, each with its location. */
public class RegoCompileException extends RuntimeException {
    private final List<CompileError> errors;

    public RegoCompileException(List<CompileError> errors) {
        super(errors.stream().map(CompileError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public RegoCompileException(CompileError error) {
        this(List.of(error));
    }

    public static RegoCompileException at(Pos pos, String message) {
        return new RegoCompileException(CompileError.at(pos, message));
    }

    public List<CompileError> errors() {
        return errors;
    }
}
