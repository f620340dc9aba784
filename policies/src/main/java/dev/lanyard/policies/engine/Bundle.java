package dev.lanyard.policies.engine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * An OPA bundle with a WASM policy: {@code /policy.wasm}, {@code /data.json} and {@code /.manifest} in a tar.gz, the
 * layout {@code opa build -t wasm} writes (nested {@code <path>/data.json} files are merged in at their path).
 *
 * @param wasm        the policy module
 * @param dataJson    the base document as JSON text (kept as text so numbers keep their precision)
 * @param revision    manifest revision ("" when absent)
 * @param entrypoints entrypoints listed in the manifest's {@code wasm} section (may be empty)
 */
public record Bundle(byte[] wasm, String dataJson, String revision, List<String> entrypoints) {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    public Bundle {
        wasm = wasm.clone();
        dataJson = dataJson == null || dataJson.isBlank() ? "{}" : dataJson;
        revision = revision == null ? "" : revision;
        entrypoints = List.copyOf(entrypoints);
    }

    @Override
    public byte[] wasm() {
        return wasm.clone();
    }

    public static Bundle read(byte[] tarGz) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tarGz))) {
            return fromFiles(Tar.read(in));
        } catch (IOException e) {
            throw new UncheckedIOException("not a bundle (tar.gz): " + e.getMessage(), e);
        }
    }

    static Bundle fromFiles(Map<String, byte[]> files) throws IOException {
        byte[] wasm = files.get("/policy.wasm");
        String revision = "";
        List<String> eps = new ArrayList<>();
        byte[] manifest = files.get("/.manifest");
        if (manifest != null) {
            JsonNode m = JSON.readTree(manifest);
            revision = m.path("revision").asText("");
            for (JsonNode w : m.path("wasm")) {
                eps.add(w.path("entrypoint").asText());
                if (wasm == null && w.hasNonNull("module")) {
                    wasm = files.get(Tar.normalize(w.get("module").asText()));
                }
            }
        }
        if (wasm == null) {
            throw new IOException("bundle has no /policy.wasm");
        }
        return new Bundle(wasm, mergedData(files), revision, eps);
    }

    /**
     * Root data.json plus every nested {@code /a/b/data.json}, placed at {@code a.b} (keys are paths starting with
     * "/"), as JSON text.
     */
    public static String mergedData(Map<String, byte[]> files) throws IOException {
        List<String> nested = files.keySet().stream()
                .filter(n -> n.endsWith("/data.json") && !n.equals("/data.json")).sorted().toList();
        byte[] root = files.get("/data.json");
        if (nested.isEmpty()) {
            return root == null ? "{}" : new String(root, StandardCharsets.UTF_8);
        }
        ObjectNode data = root == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) JSON.readTree(root);
        for (String n : nested) {
            String[] path = n.substring(1, n.length() - "/data.json".length()).split("/");
            ObjectNode at = data;
            for (String seg : path) {
                JsonNode child = at.get(seg);
                at = child instanceof ObjectNode o ? o : at.putObject(seg);
            }
            JsonNode value = JSON.readTree(files.get(n));
            if (value instanceof ObjectNode o) {
                at.setAll(o);
            }
        }
        return JSON.writeValueAsString(data);
    }

    /** Writes the bundle as tar.gz in OPA's layout. */
    public byte[] write() {
        ObjectNode manifest = JsonNodeFactory.instance.objectNode();
        manifest.put("revision", revision);
        manifest.putArray("roots").add("");
        ArrayNode w = manifest.putArray("wasm");
        for (String ep : entrypoints) {
            w.addObject().put("entrypoint", ep).put("module", "/policy.wasm");
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("/data.json", dataJson.getBytes(StandardCharsets.UTF_8));
        files.put("/policy.wasm", wasm);
        try {
            files.put("/.manifest", JSON.writeValueAsBytes(manifest));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(wasm.length / 2);
            try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
                Tar.write(gz, files);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bundle b && Arrays.equals(wasm, b.wasm) && dataJson.equals(b.dataJson)
                && revision.equals(b.revision) && entrypoints.equals(b.entrypoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(wasm) * 31 + dataJson.hashCode();
    }

    @Override
    public String toString() {
        return "Bundle[revision=" + revision + ", entrypoints=" + entrypoints + ", wasm=" + wasm.length + " bytes]";
    }
}
