package dev.lanyard.policies.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar lanyard-policy.jar build|eval|test}: compile, evaluate and unit-test Rego policies. */
@Command(name = "lanyard-policy", mixinStandardHelpOptions = true, version = "lanyard-policy 0.1.0",
        description = "Compiles Rego v1 to OPA WASM bundles, evaluates them and runs Rego unit tests.",
        subcommands = {BuildCommand.class, EvalCommand.class, TestCommand.class, CommandLine.HelpCommand.class})
public final class LanyardPolicyCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new LanyardPolicyCli());
        // a bad path or bundle is a user error: one line on stderr, not a stack trace
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable t = e instanceof java.io.UncheckedIOException && e.getCause() != null ? e.getCause() : e;
            String detail = t instanceof java.nio.file.NoSuchFileException ? "no such file: " + t.getMessage()
                    : t.getMessage() == null ? t.toString() : t.getMessage();
            cmd.getErr().println("error: " + detail);
            return 1;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
