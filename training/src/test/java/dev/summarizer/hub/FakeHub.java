package dev.summarizer.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * The Hugging Face Hub, its LFS CDN and its dataset viewer on loopback ports, answering as the real ones do
 * (huggingface_hub's file_download.py and constants.py, dataset-viewer's docs/source/rows.md and splits.md):
 * <ul>
 *   <li>{@code GET /api/models/{repo}[/revision/{rev}]}: {@code {"id", "modelId", "sha", "siblings": [{"rfilename"}]}};
 *       an alias answers 307 with a relative Location to the canonical repository.</li>
 *   <li>{@code HEAD|GET /{repo}/resolve/{rev}/{file}}: a git-stored file answers 200 with {@code ETag: "<git blob
 *       sha1>"}, Content-Length, X-Repo-Commit and Range support; an LFS file answers 302 to the CDN with
 *       {@code X-Linked-Etag: "<sha256>"}, X-Linked-Size, the pointer's own ETag, and a small body.</li>
 *   <li>the CDN serves content with an S3-style MD5 ETag, Range support (206 and Content-Range).</li>
 *   <li>anonymous callers get 401 with X-Error-Code RepoNotFound for missing and private repositories;
 *       token holders get 404. Missing revisions and files are 404 RevisionNotFound and EntryNotFound.</li>
 *   <li>{@code /splits?dataset=} and {@code /rows?dataset=&config=&split=&offset=&length=} (length at most 100).</li>
 * </ul>
 * Faults can be planted: an error status, a connection dropped or stalled after some bytes, a server that
 * ignores Range.
 */
final class FakeHub implements AutoCloseable {
    static final String TOKEN = "hf_fake_token";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as a server saw it. */
    record Request(String server, String method, String path, String query, String range, String authorization) {
        String pathAndQuery() {
            return query == null ? path : path + "?" + query;
        }
    }

    /** A model repository: files in order, which of them are in LFS, and what the Hub claims about them. */
    static final class Repo {
        final String id;
        final String commit;
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final Set<String> lfs = new LinkedHashSet<>();
        final Map<String, String> claimedChecksums = new HashMap<>();
        final Map<String, Long> claimedSizes = new HashMap<>();
        /** What the model API gives as the repository's id and commit, when not the real ones. */
        String answeredId;
        String answeredCommit;
        /** Where the model API redirects instead of answering. */
        String apiRedirect;
        boolean isPrivate;
        /** Gated, and the token's account has not been granted access. */
        boolean isGated;

        Repo(String id, String commit) {
            this.id = id;
            this.commit = commit;
        }

        Repo file(String name, byte[] content) {
            files.put(name, content);
            return this;
        }

        Repo lfsFile(String name, byte[] content) {
            lfs.add(name);
            return file(name, content);
        }

        /** Makes the Hub announce {@code size} bytes for the LFS file {@code name}, whatever its content. */
        Repo claimSize(String name, long size) {
            claimedSizes.put(name, size);
            return this;
        }

        /** Makes the Hub announce {@code checksum} (hex) for {@code name} instead of the real one. */
        Repo claim(String name, String checksum) {
            claimedChecksums.put(name, checksum);
            return this;
        }
    }

    private enum FaultKind { STATUS, DROP, STALL, IGNORE_RANGE }

    private record Fault(String server, String method, Predicate<String> path, FaultKind kind, int value, int[] remaining) {}

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer hub;
    private final HttpServer cdn;
    private final HttpServer viewer;
    private final Map<String, Repo> repos = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final Set<String> aliasesAnsweredInPlace = new LinkedHashSet<>();
    private final Map<String, Map<String, Map<String, List<ObjectNode>>>> datasets = new LinkedHashMap<>();
    private final Map<String, byte[]> cdnContent = new HashMap<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    FakeHub() throws IOException {
        hub = start("hub", this::hub);
        cdn = start("cdn", this::cdn);
        viewer = start("viewer", this::viewer);
    }

    URI endpoint() {
        return address(hub);
    }

    URI datasetsEndpoint() {
        return address(viewer);
    }

    URI cdnEndpoint() {
        return address(cdn);
    }

    HubSettings settings(String token) {
        return new HubSettings(endpoint(), datasetsEndpoint(), token);
    }

    Repo repo(String id) {
        Repo repo = new Repo(id, sha1Hex(("commit of " + id).getBytes(StandardCharsets.UTF_8)));
        repos.put(id, repo);
        return repo;
    }

    /** {@code alias} redirects to {@code target}, in the API (relative 307) and in resolve URLs. */
    void alias(String alias, String target) {
        aliases.put(alias, target);
    }

    /** An alias the API answers in place (its listing keeps the alias as id); its resolve URLs still redirect. */
    void aliasAnsweredInPlace(String alias, String target) {
        aliases.put(alias, target);
        aliasesAnsweredInPlace.add(alias);
    }

    void dataset(String name, String config, String split, List<ObjectNode> rows) {
        datasets.computeIfAbsent(name, n -> new LinkedHashMap<>()).computeIfAbsent(config, c -> new LinkedHashMap<>())
                .put(split, rows);
    }

    /**
     * The next {@code times} {@code method} requests to {@code server} whose path (and query) contains {@code part}
     * answer {@code status}.
     */
    void failWith(String server, String method, String part, int status, int times) {
        faults.add(new Fault(server, method, p -> p.contains(part), FaultKind.STATUS, status, new int[] {times}));
    }

    /** The next {@code times} content answers from {@code server} for paths containing {@code part} stop after {@code bytes}. */
    void dropAfter(String server, String part, int bytes, int times) {
        faults.add(new Fault(server, "GET", p -> p.contains(part), FaultKind.DROP, bytes, new int[] {times}));
    }

    /** The next {@code times} content answers from {@code server} for {@code part} send {@code bytes}, then nothing for 5 s. */
    void stallAfter(String server, String part, int bytes, int times) {
        faults.add(new Fault(server, "GET", p -> p.contains(part), FaultKind.STALL, bytes, new int[] {times}));
    }

    /** The next {@code times} ranged requests to {@code server} for {@code part} get the whole content (200). */
    void ignoreRange(String server, String part, int times) {
        faults.add(new Fault(server, "GET", p -> p.contains(part), FaultKind.IGNORE_RANGE, 0, new int[] {times}));
    }

    void clearFaults() {
        faults.clear();
    }

    List<Request> requests(String server, String method) {
        return requests.stream().filter(r -> r.server.equals(server) && r.method.equals(method)).toList();
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
        viewer.stop(0);
        executor.shutdownNow();
    }

    // ---- the Hub

    private void hub(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        if (path.startsWith("/api/models/")) {
            modelApi(ex, path.substring("/api/models/".length()));
        } else if (path.contains("/resolve/")) {
            resolve(ex, path);
        } else {
            error(ex, 404, null, "Not found");
        }
    }

    private void modelApi(HttpExchange ex, String rest) throws IOException {
        String repoId = rest;
        String revision = "main";
        int at = rest.indexOf("/revision/");
        if (at >= 0) {
            repoId = rest.substring(0, at);
            revision = decode(rest.substring(at + "/revision/".length()));
        }
        if (aliases.containsKey(repoId) && !aliasesAnsweredInPlace.contains(repoId)) {
            redirect(ex, 307, "/api/models/" + aliases.get(repoId) + (at >= 0 ? rest.substring(at) : ""));
            return;
        }
        Repo repo = visibleRepo(ex, aliases.getOrDefault(repoId, repoId));
        if (repo == null) {
            return;
        }
        if (repo.apiRedirect != null) {
            redirect(ex, 302, repo.apiRedirect);
            return;
        }
        if (!revision.equals("main") && !revision.equals(repo.commit)) {
            error(ex, 404, "RevisionNotFound", "Invalid rev id: " + revision);
            return;
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("_id", "0123456789abcdef01234567");
        String id = repo.answeredId != null ? repo.answeredId : aliasesAnsweredInPlace.contains(repoId) ? repoId : repo.id;
        json.put("id", id);
        json.put("modelId", id);
        json.put("private", repo.isPrivate);
        json.put("sha", repo.answeredCommit != null ? repo.answeredCommit : repo.commit);
        json.put("library_name", "transformers");
        ArrayNode siblings = json.putArray("siblings");
        for (String file : repo.files.keySet()) {
            siblings.addObject().put("rfilename", file);
        }
        sendJson(ex, 200, json);
    }

    private void resolve(HttpExchange ex, String rawPath) throws IOException {
        int at = rawPath.indexOf("/resolve/");
        String repoId = rawPath.substring(1, at);
        String rest = rawPath.substring(at + "/resolve/".length());
        int slash = rest.indexOf('/');
        String revision = decode(rest.substring(0, slash));
        String file = decodePath(rest.substring(slash + 1));
        if (aliases.containsKey(repoId)) {
            redirect(ex, 307, "/" + aliases.get(repoId) + "/resolve/" + rest);
            return;
        }
        Repo repo = visibleRepo(ex, repoId);
        if (repo == null) {
            return;
        }
        Headers headers = ex.getResponseHeaders();
        headers.set("X-Repo-Commit", repo.commit);
        if (!revision.equals("main") && !revision.equals(repo.commit)) {
            error(ex, 404, "RevisionNotFound", "Invalid rev id: " + revision);
            return;
        }
        byte[] content = repo.files.get(file);
        if (content == null) {
            error(ex, 404, "EntryNotFound", "Entry not found");
            return;
        }
        if (repo.lfs.contains(file)) {
            String sha256 = sha256Hex(content);
            cdnContent.put(sha256, content);
            String location = cdnEndpoint() + "/repos/ab/cd/" + sha256 + "?response-content-disposition="
                    + "attachment%3B+filename%3D%22" + file + "%22&Expires=1999999999&Signature=fake";
            String pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256 + "\nsize "
                    + content.length + "\n";
            headers.set("ETag", "\"" + gitBlobSha1(pointer.getBytes(StandardCharsets.UTF_8)) + "\"");
            headers.set("X-Linked-Etag", "\"" + repo.claimedChecksums.getOrDefault(file, sha256) + "\"");
            headers.set("X-Linked-Size", Long.toString(repo.claimedSizes.getOrDefault(file, (long) content.length)));
            redirect(ex, 302, location);
            return;
        }
        headers.set("ETag", "\"" + repo.claimedChecksums.getOrDefault(file, gitBlobSha1(content)) + "\"");
        serveContent(ex, "hub", content);
    }

    /** The repository if the caller may see it; else answers as the Hub does and returns null. */
    private Repo visibleRepo(HttpExchange ex, String repoId) throws IOException {
        Repo repo = repos.get(repoId);
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        boolean authenticated = ("Bearer " + TOKEN).equals(authorization);
        if (authorization != null && !authenticated) {
            error(ex, 401, null, "Invalid credentials in Authorization header");
            return null;
        }
        if (repo != null && repo.isGated) {
            String what = "Access to model " + repo.id + " is restricted";
            if (authenticated) {
                error(ex, 403, "GatedRepo", what + " and you are not in the authorized list. Visit https://huggingface.co/"
                        + repo.id + " to ask for access.");
            } else {
                error(ex, 401, "GatedRepo", what + ". You must have access to it and be authenticated to access it."
                        + " Please log in.");
            }
            return null;
        }
        if (repo == null || (repo.isPrivate && !authenticated)) {
            if (authenticated) {
                error(ex, 404, "RepoNotFound", "Repository not found");
            } else {
                error(ex, 401, "RepoNotFound", "Invalid username or password.");
            }
            return null;
        }
        return repo;
    }

    // ---- the CDN

    private void cdn(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        byte[] content = cdnContent.get(path.substring(path.lastIndexOf('/') + 1));
        if (content == null) {
            error(ex, 403, null, "AccessDenied");
            return;
        }
        ex.getResponseHeaders().set("ETag", "\"" + md5Hex(content) + "\"");
        serveContent(ex, "cdn", content);
    }

    // ---- the dataset viewer

    private void viewer(HttpExchange ex) throws IOException {
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        Map<String, Map<String, List<ObjectNode>>> configs = datasets.get(query.get("dataset"));
        if (configs == null) {
            error(ex, 404, null, "The dataset does not exist, or is not accessible without authentication (private or"
                    + " gated). Please check the spelling of the dataset name or retry with authentication.");
            return;
        }
        String path = ex.getRequestURI().getPath();
        if (path.equals("/splits")) {
            ObjectNode json = JSON.createObjectNode();
            ArrayNode splits = json.putArray("splits");
            configs.forEach((config, bySplit) -> bySplit.keySet().forEach(split ->
                    splits.addObject().put("dataset", query.get("dataset")).put("config", config).put("split", split)));
            json.putArray("pending");
            json.putArray("failed");
            sendJson(ex, 200, json);
        } else if (path.equals("/rows")) {
            rows(ex, query, configs);
        } else {
            error(ex, 404, null, "Not found");
        }
    }

    private void rows(HttpExchange ex, Map<String, String> query, Map<String, Map<String, List<ObjectNode>>> configs)
            throws IOException {
        List<ObjectNode> rows = configs.getOrDefault(query.get("config"), Map.of()).get(query.get("split"));
        if (rows == null) {
            error(ex, 404, null, "Not found.");
            return;
        }
        int offset = Integer.parseInt(query.getOrDefault("offset", "0"));
        int length = Integer.parseInt(query.getOrDefault("length", "100"));
        if (length < 1 || length > 100 || offset < 0) {
            error(ex, 422, null, "Parameter 'length' must be between 1 and 100, 'offset' positive");
            return;
        }
        ObjectNode json = JSON.createObjectNode();
        ArrayNode features = json.putArray("features");
        if (!rows.isEmpty()) {
            int i = 0;
            for (var names = rows.get(0).fieldNames(); names.hasNext(); ) {
                ObjectNode feature = features.addObject().put("feature_idx", i++).put("name", names.next());
                feature.putObject("type").put("dtype", "string").put("_type", "Value");
            }
        }
        ArrayNode page = json.putArray("rows");
        for (int i = offset; i < Math.min(rows.size(), offset + length); i++) {
            ObjectNode row = page.addObject().put("row_idx", i);
            row.set("row", rows.get(i));
            row.putArray("truncated_cells");
        }
        json.put("num_rows_total", rows.size());
        json.put("num_rows_per_page", 100);
        json.put("partial", false);
        sendJson(ex, 200, json);
    }

    // ---- shared answers

    private HttpServer start(String name, HandlerBody body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", ex -> {
            try (ex) {
                URI uri = ex.getRequestURI();
                requests.add(new Request(name, ex.getRequestMethod(), uri.getPath(), uri.getRawQuery(),
                        ex.getRequestHeaders().getFirst("Range"), ex.getRequestHeaders().getFirst("Authorization")));
                String target = uri.getRawQuery() == null ? uri.getPath() : uri.getPath() + "?" + uri.getRawQuery();
                Fault status = takeFault(name, ex.getRequestMethod(), target, FaultKind.STATUS);
                if (status != null) {
                    error(ex, status.value, null, "planted error");
                    return;
                }
                body.handle(ex);
            } catch (IOException e) {
                // a planted drop, or the client went away
            }
        });
        server.start();
        return server;
    }

    private interface HandlerBody {
        void handle(HttpExchange ex) throws IOException;
    }

    private void serveContent(HttpExchange ex, String server, byte[] content) throws IOException {
        Headers headers = ex.getResponseHeaders();
        headers.set("Accept-Ranges", "bytes");
        headers.set("Content-Type", "application/octet-stream");
        String range = ex.getRequestHeaders().getFirst("Range");
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (range != null && takeFault(server, "GET", ex.getRequestURI().getPath(), FaultKind.IGNORE_RANGE) != null) {
            range = null;
        }
        int from = 0;
        int status = 200;
        if (range != null && !head) {
            from = Integer.parseInt(range.replace("bytes=", "").replace("-", "").strip());
            if (from >= content.length) {
                headers.set("Content-Range", "bytes */" + content.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            status = 206;
            headers.set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
        }
        int length = content.length - from;
        if (head) {
            headers.set("Content-Length", Integer.toString(length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        Fault drop = takeFault(server, "GET", ex.getRequestURI().getPath(), FaultKind.DROP);
        Fault stall = takeFault(server, "GET", ex.getRequestURI().getPath(), FaultKind.STALL);
        ex.sendResponseHeaders(status, length);
        OutputStream out = ex.getResponseBody();
        if (drop != null || stall != null) {
            out.write(content, from, Math.min((drop != null ? drop : stall).value, length));
            out.flush();
            if (stall != null) {
                sleep(5_000);
            }
            throw new IOException("planted drop");  // closing now leaves the fixed-length body short: the client sees the connection end
        }
        out.write(content, from, length);
    }

    private Fault takeFault(String server, String method, String path, FaultKind kind) {
        for (Fault f : faults) {
            if (f.kind == kind && f.server.equals(server) && f.method.equals(method) && f.path.test(path)) {
                synchronized (f.remaining) {
                    if (f.remaining[0] > 0) {
                        f.remaining[0]--;
                        return f;
                    }
                }
            }
        }
        return null;
    }

    private static void redirect(HttpExchange ex, int status, String location) throws IOException {
        byte[] body = ("Found. Redirecting to " + location).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Location", location);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        sendBody(ex, status, body);
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        if (code != null) {
            ex.getResponseHeaders().set("X-Error-Code", code);
        }
        ex.getResponseHeaders().set("X-Error-Message", message);
        ObjectNode json = JSON.createObjectNode().put("error", message);
        sendJson(ex, status, json);
    }

    private static void sendJson(HttpExchange ex, int status, JsonNode json) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        sendBody(ex, status, JSON.writeValueAsBytes(json));
    }

    private static void sendBody(HttpExchange ex, int status, byte[] body) throws IOException {
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        ex.getResponseBody().write(body);
    }

    // ---- helpers

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static URI address(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                query.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    /** A path segment: '+' is a plus there, not a space. */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String decodePath(String rawPath) {
        List<String> parts = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            parts.add(decode(part));
        }
        return String.join("/", parts);
    }

    static String sha256Hex(byte[] content) {
        return hex("SHA-256", content);
    }

    static String gitBlobSha1(byte[] content) {
        byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + content.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(content, 0, all, header.length, content.length);
        return sha1Hex(all);
    }

    private static String sha1Hex(byte[] content) {
        return hex("SHA-1", content);
    }

    private static String md5Hex(byte[] content) {
        return hex("MD5", content);
    }

    private static String hex(String algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
