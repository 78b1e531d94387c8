package dev.summarizer.hub;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * Where the Hub and its dataset viewer live, and the token to send them: flags first, then the environment
 * variables huggingface_hub reads ({@code HF_ENDPOINT}, {@code HF_TOKEN}), then the public servers.
 */
public record HubSettings(URI endpoint, URI datasetsServer, String token) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    public static final String DEFAULT_DATASETS_SERVER = "https://datasets-server.huggingface.co";

    public HubSettings {
        endpoint = withoutTrailingSlash(endpoint);
        datasetsServer = withoutTrailingSlash(datasetsServer);
        token = token == null || token.isBlank() ? null : token.strip();
    }

    /** The settings of one run; a flag that is null falls back to {@code env}, then to the default. */
    public static HubSettings of(String endpointFlag, String datasetsServerFlag, Map<String, String> env) {
        URI endpoint = url("--endpoint", firstOf(endpointFlag, env.get("HF_ENDPOINT"), DEFAULT_ENDPOINT));
        URI datasets = url("--datasets-endpoint",
                firstOf(datasetsServerFlag, env.get("HF_DATASETS_SERVER"), DEFAULT_DATASETS_SERVER));
        return new HubSettings(endpoint, datasets, env.get("HF_TOKEN"));
    }

    /** {@code scheme://host[:port]} of a URL, as messages name a server. */
    public static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static String firstOf(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        throw new IllegalArgumentException("no value");
    }

    private static URI url(String flag, String text) {
        try {
            URI uri = new URI(text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawQuery() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException(flag + ": expected an http(s) URL such as " + DEFAULT_ENDPOINT + ", got \"" + text + "\"");
    }

    private static URI withoutTrailingSlash(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }
}
