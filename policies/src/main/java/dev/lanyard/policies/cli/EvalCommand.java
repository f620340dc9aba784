package dev.lanyard.policies.cli;

import dev.lanyard.policies.engine.Bundle;
import dev.lanyard.policies.engine.PolicyEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", description = "Evaluate an entrypoint of a bundle and print its result as JSON "
        + "(nothing, and 'undefined' on stderr, when the entrypoint is undefined).")
final class EvalCommand implements Callable<Integer> {
    @Option(names = {"-b", "--bundle"}, required = true, paramLabel = "FILE", description = "Bundle (tar.gz).")
    Path bundle;

    @Option(names = {"-e", "--entrypoint"}, required = true, paramLabel = "PATH", description = "Entrypoint.")
    String entrypoint;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Input document (JSON); '-' for stdin.")
    Path input;

    @Option(names = "--result-set", description = "Print the full result set ([{\"result\": ...}]).")
    boolean resultSet;

    @Override
    public Integer call() throws Exception {
        PolicyEngine engine = new PolicyEngine(Bundle.read(Files.readAllBytes(bundle)), 1);
        String in = null;
        if (input != null) {
            in = input.toString().equals("-") ? new String(System.in.readAllBytes()) : Files.readString(input);
        }
        if (resultSet) {
            System.out.println(engine.evaluate(entrypoint, in));
            return 0;
        }
        var result = engine.result(entrypoint, in);
        if (result.isPresent()) {
            System.out.println(result.get());
        } else {
            System.err.println("undefined");
        }
        return 0;
    }
}
