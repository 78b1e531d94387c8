package dev.summarizer.hub;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/** The Hub's URL layout (huggingface_hub's hf_hub_url and model_info) and the dataset viewer's. */
public final class HubUrls {
    /** {@code name} or {@code owner/name}: letters, digits, '-', '_' and '.', as the Hub allows them. */
    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");

    private HubUrls() {}

    public static boolean isRepoId(String name) {
        return REPO_ID.matcher(name).matches() && !name.contains("--") && !name.contains("..");
    }

    /** {@code /api/models/{repo}}, or {@code /api/models/{repo}/revision/{revision}} for another revision than main. */
    public static URI modelApi(URI endpoint, String repo, String revision) {
        String path = "/api/models/" + repo + ("main".equals(revision) ? "" : "/revision/" + segment(revision));
        return URI.create(endpoint + path);
    }

    /** {@code /{repo}/resolve/{revision}/{file}}: the revision is one segment (refs/pr/1 becomes refs%2Fpr%2F1). */
    public static URI resolve(URI endpoint, String repo, String revision, String file) {
        StringJoiner path = new StringJoiner("/");
        for (String part : file.split("/")) {
            path.add(segment(part));
        }
        return URI.create(endpoint + "/" + repo + "/resolve/" + segment(revision) + "/" + path);
    }

    /** {@code {server}/{endpoint}?k=v&...} with the values form-encoded, as the dataset viewer reads them. */
    public static URI datasetsServer(URI server, String endpoint, Map<String, String> query) {
        StringJoiner params = new StringJoiner("&");
        query.forEach((k, v) -> params.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return URI.create(server + "/" + endpoint + "?" + params);
    }

    /** Percent-encodes one path segment (URLEncoder writes spaces as '+', which a path does not mean). */
    static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
