package dev.lanyard.policies.ir;

import java.util.List;

/**
 * A list of statements run in order. When one statement is undefined, execution leaves this block and continues
 * after it: the single rule that encodes conjunction, failure and backtracking.
 */
public record Block(List<Stmt> stmts) {
    public Block {
        stmts = List.copyOf(stmts);
    }
}
