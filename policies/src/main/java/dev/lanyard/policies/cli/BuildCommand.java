package dev.lanyard.policies.cli;

import dev.lanyard.policies.RegoCompiler;
import dev.lanyard.policies.engine.Bundle;
import dev.lanyard.policies.rego.RegoCompileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "build", description = "Compile the Rego files (and data.json files) under DIR into a WASM bundle.")
final class BuildCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Policy directory (or a single .rego file).")
    Path dir;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Bundle to write (tar.gz).")
    Path output;

    @Option(names = {"-e", "--entrypoint"}, required = true, paramLabel = "PATH",
            description = "Entrypoint such as lanyard/token/decision (repeatable).")
    List<String> entrypoints;

    @Option(names = "--revision", defaultValue = "", description = "Revision recorded in the manifest.")
    String revision;

    @Override
    public Integer call() throws Exception {
        try {
            Bundle b = RegoCompiler.compileDirectory(dir, entrypoints, revision);
            Files.write(output, b.write());
            System.err.println("wrote " + output + " (" + entrypoints.size() + " entrypoints)");
            return 0;
        } catch (RegoCompileException e) {
            System.err.println(e.getMessage());
            return 2;
        }
    }
}
