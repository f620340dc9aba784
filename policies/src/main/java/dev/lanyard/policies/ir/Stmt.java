package dev.lanyard.policies.ir;

import java.util.List;

/**
 * The statements of OPA's IR (v1/ir), one record each, with OPA's field names. Locals are ints; local 0 is input,
 * local 1 is data. Locals hold value pointers; an unset local is "undefined".
 */
public sealed interface Stmt {
    Loc loc();

    // control flow
    record BlockStmt(List<Block> blocks, Loc loc) implements Stmt {
        public BlockStmt { blocks = List.copyOf(blocks); }
    }

    /** Leave {@code index + 1} enclosing blocks (0 = the current block). */
    record BreakStmt(int index, Loc loc) implements Stmt {}

    /** Defined iff {@code block} is undefined. */
    record NotStmt(Block block, Loc loc) implements Stmt {}

    /** Iterate over array / object / set elements (scalars: zero iterations). */
    record ScanStmt(int source, int key, int value, Block block, Loc loc) implements Stmt {}

    /** Upsert {@code value} at {@code path} (string-constant indices) inside local {@code local}, run block, restore. */
    record WithStmt(int local, List<Integer> path, Operand value, Block block, Loc loc) implements Stmt {
        public WithStmt { path = List.copyOf(path); }
    }

    record ReturnLocalStmt(int source, Loc loc) implements Stmt {}

    record ResultSetAddStmt(int value, Loc loc) implements Stmt {}

    record NopStmt(Loc loc) implements Stmt {}

    // calls
    /** Call a planned function (by {@link Func#name()}) or a builtin (by its Rego name, e.g. {@code plus}). */
    record CallStmt(String func, List<Operand> args, int result, Loc loc) implements Stmt {
        public CallStmt { args = List.copyOf(args); }
    }

    record CallDynamicStmt(List<Operand> path, List<Operand> args, int result, Loc loc) implements Stmt {
        public CallDynamicStmt { path = List.copyOf(path); args = List.copyOf(args); }
    }

    // values and tests
    record DotStmt(Operand source, Operand key, int target, Loc loc) implements Stmt {}

    record LenStmt(Operand source, int target, Loc loc) implements Stmt {}

    record EqualStmt(Operand a, Operand b, Loc loc) implements Stmt {}

    record NotEqualStmt(Operand a, Operand b, Loc loc) implements Stmt {}

    record IsArrayStmt(Operand source, Loc loc) implements Stmt {}

    record IsObjectStmt(Operand source, Loc loc) implements Stmt {}

    record IsSetStmt(Operand source, Loc loc) implements Stmt {}

    record IsDefinedStmt(int source, Loc loc) implements Stmt {}

    record IsUndefinedStmt(int source, Loc loc) implements Stmt {}

    record AssignIntStmt(long value, int target, Loc loc) implements Stmt {}

    record AssignVarStmt(Operand source, int target, Loc loc) implements Stmt {}

    /** Like AssignVarStmt, but a target already holding a different value is a conflict error. */
    record AssignVarOnceStmt(Operand source, int target, Loc loc) implements Stmt {}

    record ResetLocalStmt(int target, Loc loc) implements Stmt {}

    // constructors
    record MakeNullStmt(int target, Loc loc) implements Stmt {}

    record MakeNumberIntStmt(long value, int target, Loc loc) implements Stmt {}

    /** A number kept as text (index of a string constant holding its literal form). */
    record MakeNumberRefStmt(int index, int target, Loc loc) implements Stmt {}

    record MakeArrayStmt(int capacity, int target, Loc loc) implements Stmt {}

    record MakeObjectStmt(int target, Loc loc) implements Stmt {}

    record MakeSetStmt(int target, Loc loc) implements Stmt {}

    // mutators
    record ArrayAppendStmt(Operand value, int array, Loc loc) implements Stmt {}

    record ObjectInsertStmt(Operand key, Operand value, int object, Loc loc) implements Stmt {}

    /** Insert; an existing key with a different value is a conflict error. */
    record ObjectInsertOnceStmt(Operand key, Operand value, int object, Loc loc) implements Stmt {}

    /** Recursive merge of two objects; non-object leaves that differ are a conflict. */
    record ObjectMergeStmt(Operand a, Operand b, int target, Loc loc) implements Stmt {}

    record SetAddStmt(Operand value, int set, Loc loc) implements Stmt {}
}
