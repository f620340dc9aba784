package dev.lanyard.loadtest.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A JVM identified by its version and vendor, for the server child process or the generator itself. */
public record JavaRuntime(String executable, String version, String vendor, String vmName) {

    public static JavaRuntime current() {
        return new JavaRuntime(ProcessHandle.current().info().command().orElse("java"),
                System.getProperty("java.runtime.version", System.getProperty("java.version")),
                System.getProperty("java.vendor"), System.getProperty("java.vm.name"));
    }

    /**
     * Asks another JVM who it is. {@code -XshowSettings:properties} prints the system properties without
     * running any code of ours, and works on every JDK from 8 to 25.
     */
    public static JavaRuntime probe(String executable) {
        try {
            Process p = new ProcessBuilder(executable, "-XshowSettings:properties", "-version")
                    .redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            Map<String, String> props = new HashMap<>();
            for (String line : out.split("\\R")) {
                int eq = line.indexOf(" = ");
                if (eq > 0) {
                    props.putIfAbsent(line.substring(0, eq).trim(), line.substring(eq + 3).trim());
                }
            }
            return new JavaRuntime(executable,
                    props.getOrDefault("java.runtime.version", props.getOrDefault("java.version", "unknown")),
                    props.getOrDefault("java.vendor", "unknown"), props.getOrDefault("java.vm.name", "unknown"));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot run " + executable + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing " + executable, e);
        }
    }

    public String label() {
        return version + " (" + vendor + ", " + vmName + ")";
    }
}
