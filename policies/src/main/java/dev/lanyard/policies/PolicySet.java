package dev.lanyard.policies;

import dev.lanyard.policies.engine.Bundle;
import dev.lanyard.policies.rego.CompileError;
import dev.lanyard.policies.rego.Module;
import dev.lanyard.policies.rego.Parser;
import dev.lanyard.policies.rego.RegoCompileException;
import dev.lanyard.policies.rego.Rule;
import dev.lanyard.policies.rego.Source;
import dev.lanyard.policies.testing.RegoTestReport;
import dev.lanyard.policies.testing.RegoTestRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One loaded revision of a policy set: the compiled {@link Bundle}, a content hash, the files it was made of and
 * the result of its Rego unit tests. Made from a policy directory ({@link #load(Path)}) or from the default policy
 * set packaged in this jar ({@link #bundledDefault()}); all files are read once, so hash, bundle and tests always
 * describe the same contents even while an editor writes into the directory.
 *
 * <p>Loading compiles the policy modules (test modules excluded) for {@code entrypoints}, then compiles the test
 * modules with them and runs the tests. Failing tests do not make loading fail: the report is part of the revision
 * and the caller decides. A module or data.json that does not compile, or an entrypoint no rule defines, is a
 * {@link RegoCompileException} whose {@link RegoCompileException#errors() errors} carry file:line:col.
 *
 * @param origin the directory it was read from (absolute), or {@link #BUNDLED_ORIGIN}
 * @param bundle the compiled policy (tests excluded); its revision is {@code hash}
 * @param hash   {@link #hash(Map) content hash} of the files, SHA-256 hex
 * @param files  the policy files (relative path, size, SHA-256 hex) in path order
 * @param tests  the Rego unit test report
 */
public record PolicySet(String origin, Bundle bundle, String hash, List<PolicyFile> files, RegoTestReport tests) {
    /** The decisions the server asks for: {@code data.lanyard.token.decision} and {@code data.lanyard.mcp.decision}. */
    public static final List<String> DEFAULT_ENTRYPOINTS = List.of("lanyard/token/decision", "lanyard/mcp/decision");
    /** Where the default policy set lies on the classpath (the contents of {@code policies/rego/}). */
    public static final String CLASSPATH_ROOT = "lanyard/policies/rego";
    /** The list of its files (relative paths, one a line), written by the build. */
    public static final String CLASSPATH_INDEX = "lanyard/policies/rego.index";
    /** {@link #origin()} of the bundled default. */
    public static final String BUNDLED_ORIGIN = "classpath:" + CLASSPATH_ROOT;

    private static PolicySet bundledDefault;

    public PolicySet {
        files = List.copyOf(files);
    }

    /** One file of the set. */
    public record PolicyFile(String path, long size, String sha256) {}

    public List<String> entrypoints() {
        return bundle.entrypoints();
    }

    /** Loads the policy directory {@code dir} for {@link #DEFAULT_ENTRYPOINTS}. */
    public static PolicySet load(Path dir) {
        return load(dir, DEFAULT_ENTRYPOINTS);
    }

    public static PolicySet load(Path dir, List<String> entrypoints) {
        return fromFiles(dir.toAbsolutePath().normalize().toString(), PolicyFiles.read(dir), entrypoints);
    }

    /** The default policy set packaged in this jar, for {@link #DEFAULT_ENTRYPOINTS} (loaded once, then shared). */
    public static synchronized PolicySet bundledDefault() {
        if (bundledDefault == null) {
            bundledDefault = bundledDefault(DEFAULT_ENTRYPOINTS);
        }
        return bundledDefault;
    }

    public static PolicySet bundledDefault(List<String> entrypoints) {
        return fromFiles(BUNDLED_ORIGIN, bundledFiles(), entrypoints);
    }

    /**
     * Loads a policy set from file contents keyed by relative path ({@code lanyard/token.rego}); files that are not
     * policy files ({@link PolicyFiles#isPolicyFile}) are ignored.
     */
    public static PolicySet fromFiles(String origin, Map<String, byte[]> files, List<String> entrypoints) {
        return fromFiles(origin, files, entrypoints, bundle -> { });
    }

    /**
     * As {@link #fromFiles(String, Map, List)}; {@code compiled} receives the bundle as soon as it is compiled, before
     * the tests run, so a caller can prepare to serve it (build evaluation instances) while they do.
     */
    public static PolicySet fromFiles(String origin, Map<String, byte[]> files, List<String> entrypoints,
                                      java.util.function.Consumer<Bundle> compiled) {
        if (entrypoints.isEmpty()) {
            throw new IllegalArgumentException("at least one entrypoint is required");
        }
        SortedMap<String, byte[]> policyFiles = new TreeMap<>();
        files.forEach((path, bytes) -> {
            if (PolicyFiles.isPolicyFile(path)) {
                policyFiles.put(path, bytes);
            }
        });
        String hash = hash(policyFiles);
        List<PolicyFile> listed = new ArrayList<>();
        policyFiles.forEach((path, bytes) -> listed.add(new PolicyFile(path, bytes.length, sha256Hex(bytes))));

        String data = PolicyFiles.data(policyFiles);
        List<Source> modules = PolicyFiles.sources(policyFiles, false);
        Bundle bundle = RegoCompiler.compile(modules, entrypoints, data, hash);
        checkEntrypoints(modules, entrypoints);
        compiled.accept(bundle);
        RegoTestReport tests = RegoTestRunner.run(PolicyFiles.sources(policyFiles, true), data);
        return new PolicySet(origin, bundle, hash, listed, tests);
    }

    /** The content hash of the policy directory {@code dir}, as {@link #hash()} of its load would be (no compiling). */
    public static String contentHash(Path dir) {
        return hash(PolicyFiles.read(dir));
    }

    /**
     * SHA-256 (hex) over the policy files in path order, each fed as its UTF-8 relative path, a NUL byte, its size in
     * decimal, a NUL byte and its contents. The same files give the same hash wherever they were read from.
     */
    public static String hash(Map<String, byte[]> files) {
        MessageDigest md = sha256();
        for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
            if (!PolicyFiles.isPolicyFile(f.getKey())) {
                continue;
            }
            md.update(f.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(Integer.toString(f.getValue().length).getBytes(StandardCharsets.US_ASCII));
            md.update((byte) 0);
            md.update(f.getValue());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Writes the files of the bundled default into {@code dir} (created if needed, existing files overwritten) and
     * returns the paths written: a writable starting point for a custom policy directory.
     */
    public static List<Path> copyBundledDefaultTo(Path dir) {
        List<Path> written = new ArrayList<>();
        try {
            for (Map.Entry<String, byte[]> f : bundledFiles().entrySet()) {
                Path target = dir.resolve(f.getKey()).normalize();
                if (!target.startsWith(dir.normalize())) {
                    throw new IllegalStateException("bundled policy path escapes the directory: " + f.getKey());
                }
                Files.createDirectories(target.getParent());
                Files.write(target, f.getValue());
                written.add(target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    /** The files of the bundled default, keyed by relative path. */
    public static SortedMap<String, byte[]> bundledFiles() {
        ClassLoader cl = PolicySet.class.getClassLoader();
        try (InputStream index = cl.getResourceAsStream(CLASSPATH_INDEX)) {
            if (index == null) {
                return unindexedBundledFiles(cl);
            }
            SortedMap<String, byte[]> out = new TreeMap<>();
            for (String line : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String path = line.strip();
                if (path.isEmpty()) {
                    continue;
                }
                try (InputStream in = cl.getResourceAsStream(CLASSPATH_ROOT + "/" + path)) {
                    if (in == null) {
                        throw new IllegalStateException(CLASSPATH_INDEX + " lists " + path + ", which is not on the"
                                + " classpath");
                    }
                    out.put(path, in.readAllBytes());
                }
            }
            return Collections.unmodifiableSortedMap(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Without an index (classes built by an IDE rather than Maven) the resources can still be listed on disk. */
    private static SortedMap<String, byte[]> unindexedBundledFiles(ClassLoader cl) {
        URL root = cl.getResource(CLASSPATH_ROOT);
        if (root == null || !root.getProtocol().equals("file")) {
            throw new IllegalStateException("the default policy set is not on the classpath (" + CLASSPATH_INDEX
                    + " is missing)");
        }
        try {
            return PolicyFiles.read(Path.of(root.toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every entrypoint must name a rule, a package or a path inside a rule's value ({@code opa build -e} refuses
     * anything else); otherwise the server would evaluate an always-undefined decision.
     */
    private static void checkEntrypoints(List<Source> modules, List<String> entrypoints) {
        List<List<String>> rules = new ArrayList<>();
        for (Source s : modules) {
            Module m = Parser.parseModule(s);
            for (Rule r : m.rules()) {
                List<String> full = new ArrayList<>(m.pkg());
                full.addAll(r.path());
                rules.add(full);
            }
        }
        List<CompileError> errors = new ArrayList<>();
        for (String ep : entrypoints) {
            List<String> segs = Arrays.asList(ep.split("/"));
            boolean defined = rules.stream().anyMatch(r -> startsWith(r, segs) || startsWith(segs, r));
            if (!defined) {
                errors.add(new CompileError("", 0, 0, "entrypoint " + ep + " is not defined by any rule"));
            }
        }
        if (!errors.isEmpty()) {
            throw new RegoCompileException(errors);
        }
    }

    private static boolean startsWith(List<String> list, List<String> prefix) {
        return list.size() >= prefix.size() && list.subList(0, prefix.size()).equals(prefix);
    }

    private static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "PolicySet[origin=" + origin + ", hash=" + hash + ", files=" + files.size() + ", tests="
                + tests.summary() + "]";
    }
}
