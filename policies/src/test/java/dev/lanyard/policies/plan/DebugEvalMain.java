package dev.lanyard.policies.plan;

import com.styra.opa.wasm.OpaPolicy;
import dev.lanyard.policies.rego.Source;
import dev.lanyard.policies.wasm.WasmBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Evaluates a query: {@code DebugEvalMain query dataJson inputJson|- mod.rego …}. A debugging aid. */
public final class DebugEvalMain {
    public static void main(String[] args) throws Exception {
        List<Source> mods = new ArrayList<>();
        for (int i = 3; i < args.length; i++) mods.add(new Source(args[i], Files.readString(Path.of(args[i]))));
        var ir = Planner.planQuery(mods, new Source("query", args[0]));
        if (System.getenv("DUMP") != null) System.out.println(IrDump.dump(ir));
        OpaPolicy p = OpaPolicy.builder().withPolicy(WasmBackend.compile(ir))
            .addBuiltins(dev.lanyard.policies.conformance.ConformanceTest.hostBuiltins()).build();
        p.entrypoint(Planner.QUERY_PLAN);
        p.data(args[1]);
        if (!args[2].equals("-")) p.input(args[2]);
        System.out.println(p.evaluate());
    }
}
