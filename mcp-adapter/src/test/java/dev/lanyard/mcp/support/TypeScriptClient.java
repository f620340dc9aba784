package dev.lanyard.mcp.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code src/test/ts/mcp-client.mjs} — the official TypeScript MCP SDK — under Node. The SDK is installed by
 * {@code npm ci} from the committed lockfile into {@code target/ts-client} the first time a test needs it (again only
 * when the lockfile changes), so {@code mvn verify} needs nothing but Node 20+ and npm on the machine.
 */
public final class TypeScriptClient {
    private static final Path SOURCE = Path.of("src", "test", "ts");
    private static Path installed;

    private TypeScriptClient() {}

    /** Installs the client if needed and returns its directory. */
    public static synchronized Path install() throws IOException, InterruptedException {
        if (installed != null) {
            return installed;
        }
        Path dir = Path.of(System.getProperty("lanyard.ts.workdir", "target/ts-client")).toAbsolutePath();
        Files.createDirectories(dir);
        Path lock = dir.resolve("package-lock.json");
        boolean fresh = Files.exists(dir.resolve("node_modules/@modelcontextprotocol/sdk/package.json")) && Files.exists(lock)
                && Arrays.equals(Files.readAllBytes(lock), Files.readAllBytes(SOURCE.resolve("package-lock.json")));
        for (String f : List.of("package.json", "package-lock.json", "mcp-client.mjs")) {
            Files.copy(SOURCE.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!fresh) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IllegalStateException("npm ci failed in " + dir + ":\n" + log);
            }
        }
        installed = dir;
        return dir;
    }

    /** Runs one scenario; the JSON it printed (a failure of the script itself fails the test with its output). */
    public static JsonNode run(String... args) throws IOException, InterruptedException {
        Path dir = install();
        List<String> cmd = new ArrayList<>(List.of("node", "mcp-client.mjs"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("TypeScript client did not finish: " + String.join(" ", args));
        }
        String text = new String(out, StandardCharsets.UTF_8).trim();
        String last = text.contains("\n") ? text.substring(text.lastIndexOf('\n') + 1) : text;
        JsonNode result;
        try {
            result = Json.parse(last);
        } catch (Exception e) {
            throw new AssertionError("TypeScript client printed no JSON (exit " + p.exitValue() + "):\n" + text + "\n"
                    + new String(err, StandardCharsets.UTF_8));
        }
        if (result.has("fatal")) {
            throw new AssertionError("TypeScript client failed: " + result + "\n" + new String(err, StandardCharsets.UTF_8));
        }
        return result;
    }
}
