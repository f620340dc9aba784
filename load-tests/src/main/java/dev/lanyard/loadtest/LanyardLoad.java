package dev.lanyard.loadtest;

import dev.lanyard.loadtest.cli.RunCommand;
import dev.lanyard.loadtest.cli.ServerTimesCommand;
import dev.lanyard.loadtest.cli.SuiteCommand;
import dev.lanyard.loadtest.endpoint.NonLoopbackTargetException;
import dev.lanyard.loadtest.scenarios.KillSwitchLatencyCommand;
import dev.lanyard.loadtest.scenarios.McpProxyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code lanyard-load.jar}. */
@Command(name = "lanyard-load", mixinStandardHelpOptions = true, version = "lanyard-load 0.1.0",
        description = "HTTP load generator for Lanyard (loopback targets only).",
        subcommands = {SuiteCommand.class, RunCommand.class, McpProxyCommand.class, KillSwitchLatencyCommand.class,
                ServerTimesCommand.class})
public final class LanyardLoad implements Runnable {

    /** Exit code for a refused (non-loopback) target. */
    public static final int REFUSED = 3;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LanyardLoad());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return e instanceof NonLoopbackTargetException ? REFUSED : 2;
        });
        return cli;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
