package dev.lanyard.policies.plan;

import dev.lanyard.policies.rego.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Prints the plan of a query over module files: {@code DebugPlanMain query mod1.rego …}. A debugging aid. */
public final class DebugPlanMain {
    public static void main(String[] args) throws Exception {
        List<Source> mods = new ArrayList<>();
        for (int i = 1; i < args.length; i++) mods.add(new Source(args[i], Files.readString(Path.of(args[i]))));
        System.out.println(IrDump.dump(Planner.planQuery(mods, new Source("query", args[0]))));
    }
}
