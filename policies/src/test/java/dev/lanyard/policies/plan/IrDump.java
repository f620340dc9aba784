package dev.lanyard.policies.plan;

import dev.lanyard.policies.ir.Block;
import dev.lanyard.policies.ir.Policy;
import dev.lanyard.policies.ir.Stmt;

/** Indented text form of a planned policy, for assertions and for reading plans while debugging. */
public final class IrDump {
    private IrDump() {}

    public static String dump(Policy p) {
        StringBuilder sb = new StringBuilder();
        sb.append("strings ").append(p.statics().strings()).append('\n');
        sb.append("builtins ").append(p.statics().builtinFuncs()).append('\n');
        for (Policy.Plan plan : p.plans()) {
            sb.append("plan ").append(plan.name()).append('\n');
            for (Block b : plan.blocks()) block(b, 1, sb);
        }
        for (Policy.Func f : p.funcs()) {
            sb.append("func ").append(f.name()).append(' ').append(f.params()).append(" -> ").append(f.returnLocal()).append('\n');
            for (Block b : f.blocks()) block(b, 1, sb);
        }
        return sb.toString();
    }

    private static void block(Block b, int depth, StringBuilder sb) {
        sb.append("  ".repeat(depth)).append("block\n");
        for (Stmt s : b.stmts()) stmt(s, depth + 1, sb);
    }

    private static void stmt(Stmt s, int depth, StringBuilder sb) {
        String ind = "  ".repeat(depth);
        if (s instanceof Stmt.BlockStmt bs) {
            sb.append(ind).append("BlockStmt\n");
            for (Block b : bs.blocks()) block(b, depth + 1, sb);
        } else if (s instanceof Stmt.ScanStmt sc) {
            sb.append(ind).append("ScanStmt source=").append(sc.source()).append(" key=").append(sc.key())
                .append(" value=").append(sc.value()).append('\n');
            block(sc.block(), depth + 1, sb);
        } else if (s instanceof Stmt.NotStmt n) {
            sb.append(ind).append("NotStmt\n");
            block(n.block(), depth + 1, sb);
        } else if (s instanceof Stmt.WithStmt w) {
            sb.append(ind).append("WithStmt local=").append(w.local()).append(" path=").append(w.path())
                .append(" value=").append(w.value()).append('\n');
            block(w.block(), depth + 1, sb);
        } else {
            String text = s.toString().replaceAll(", loc=Loc\\[[^\\]]*\\]", "");
            sb.append(ind).append(text).append('\n');
        }
    }
}
