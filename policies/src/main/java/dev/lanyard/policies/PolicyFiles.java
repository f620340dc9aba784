package dev.lanyard.policies;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.policies.engine.Bundle;
import dev.lanyard.policies.rego.CompileError;
import dev.lanyard.policies.rego.RegoCompileException;
import dev.lanyard.policies.rego.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of a policy directory: every {@code *.rego} file (tests included) and every {@code data.json}, found
 * recursively. Symbolic links are followed; files and directories whose name starts with "." are skipped (editor
 * and VCS files, and the {@code ..data} / {@code ..2024_…} copies a Kubernetes ConfigMap volume holds beside its
 * links). Paths are relative, with "/" separators; a nested {@code a/b/data.json} is data at {@code data.a.b}.
 */
public final class PolicyFiles {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private PolicyFiles() {}

    /** Whether a relative path names a policy file ({@code .rego} or {@code data.json}). */
    public static boolean isPolicyFile(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.endsWith(".rego") || name.equals("data.json");
    }

    public static boolean isTestFile(String path) {
        return path.endsWith("_test.rego");
    }

    /**
     * Every regular file under {@code dir} (or {@code dir} itself when it is a file), hidden ones excluded, in the
     * order of their relative paths.
     */
    public static List<Path> walk(Path dir) {
        if (Files.isRegularFile(dir)) {
            return List.of(dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new UncheckedIOException(new IOException("not a policy directory: " + dir));
        }
        Path base = dir.toAbsolutePath().normalize();
        try (Stream<Path> s = Files.walk(base, FileVisitOption.FOLLOW_LINKS)) {
            return s.filter(p -> !hidden(base.relativize(p)) && Files.isRegularFile(p))
                    .sorted((a, b) -> relative(base, a).compareTo(relative(base, b)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The policy files under {@code dir} with their contents, keyed and sorted by relative path. */
    public static SortedMap<String, byte[]> read(Path dir) {
        Path base = Files.isRegularFile(dir) ? dir.toAbsolutePath().normalize().getParent()
                : dir.toAbsolutePath().normalize();
        SortedMap<String, byte[]> out = new TreeMap<>();
        for (Path p : walk(dir)) {
            String rel = relative(base, p.toAbsolutePath().normalize());
            if (isPolicyFile(rel)) {
                try {
                    out.put(rel, Files.readAllBytes(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return Collections.unmodifiableSortedMap(out);
    }

    /** The Rego modules among {@code files}, in path order; test modules only when {@code includeTests}. */
    public static List<Source> sources(Map<String, byte[]> files, boolean includeTests) {
        List<Source> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
            String path = f.getKey();
            if (path.endsWith(".rego") && (includeTests || !isTestFile(path))) {
                out.add(new Source(path, utf8(path, f.getValue())));
            }
        }
        return out;
    }

    /**
     * The base document merged from the {@code data.json} files among {@code files}, as JSON text. A file that is
     * not a JSON object is a {@link RegoCompileException} located in that file.
     */
    public static String data(Map<String, byte[]> files) {
        Map<String, byte[]> data = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
            String path = f.getKey();
            if (!path.equals("data.json") && !path.endsWith("/data.json")) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(f.getValue());
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                throw new RegoCompileException(new CompileError(path, at == null ? 1 : Math.max(1, at.getLineNr()),
                        at == null ? 1 : Math.max(1, at.getColumnNr()), "invalid JSON: " + e.getOriginalMessage()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (node == null || !node.isObject()) {
                throw new RegoCompileException(new CompileError(path, 1, 1, "data.json must hold a JSON object"));
            }
            data.put("/" + path, f.getValue());
        }
        try {
            return Bundle.mergedData(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The index of a policy directory: the relative paths of its policy files, one a line, sorted. The build writes
     * one for the default policy set packaged in the jar ({@link PolicySet#CLASSPATH_INDEX}).
     */
    public static String index(Path dir) {
        StringBuilder sb = new StringBuilder();
        for (String path : read(dir).keySet()) {
            sb.append(path).append('\n');
        }
        return sb.toString();
    }

    /** Build step: {@code PolicyFiles <policy dir> <index file>} writes {@link #index(Path)} of the directory. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: PolicyFiles <policy dir> <index file>");
        }
        Path index = Path.of(args[1]);
        if (index.getParent() != null) {
            Files.createDirectories(index.getParent());
        }
        Files.writeString(index, index(Path.of(args[0])));
    }

    static String relative(Path base, Path file) {
        return base.relativize(file).toString().replace('\\', '/');
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String utf8(String path, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new RegoCompileException(new CompileError(path, 1, 1, "not UTF-8 text"));
        }
    }
}
