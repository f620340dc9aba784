package dev.lanyard.policies.ir;

import java.util.List;

/**
 * A planned policy, modelled on OPA's ir.Policy: static constants, one plan per entrypoint, and the functions the
 * plans call (rules and user functions).
 */
public record Policy(Static statics, List<Plan> plans, List<Func> funcs) {
    public Policy {
        plans = List.copyOf(plans);
        funcs = List.copyOf(funcs);
    }

    /**
     * @param strings      string constants referenced by {@link Operand.StringIndex} and MakeNumberRefStmt
     * @param builtinFuncs names of the builtins the plans call (Rego names, e.g. "startswith", "plus")
     * @param files        file names referenced by {@link Loc#file()}
     */
    public record Static(List<String> strings, List<String> builtinFuncs, List<String> files) {
        public Static {
            strings = List.copyOf(strings);
            builtinFuncs = List.copyOf(builtinFuncs);
            files = List.copyOf(files);
        }
    }

    /** An entrypoint, named with '/' separators ("lanyard/token/decision"). */
    public record Plan(String name, List<Block> blocks) {
        public Plan { blocks = List.copyOf(blocks); }
    }

    /**
     * A planned rule group (params = [0, 1]: input, data; memoised per evaluation) or user function (one more param
     * per argument). {@code path} is the data path with a generation prefix, e.g. ["g0","lanyard","token","allow"].
     */
    public record Func(String name, List<Integer> params, int returnLocal, List<Block> blocks, List<String> path) {
        public Func {
            params = List.copyOf(params);
            blocks = List.copyOf(blocks);
            path = List.copyOf(path);
        }
    }
}
