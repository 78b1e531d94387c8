package dev.summarizer.serving;

import io.javalin.http.Context;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;

/**
 * Which web pages may call the API from a browser ({@code --cors-origin}): exact origins, or {@code *} for any. A
 * preflight from an allowed origin is answered 204 with the CORS headers and needs no API key (browsers send none
 * with it); a request that names any other origin is refused with 403 before it is read, let alone decoded. The
 * server's own page is same-origin and always allowed.
 */
final class CorsPolicy {
    private static final String ANY = "*";
    private final Set<String> origins;

    CorsPolicy(List<String> origins) {
        this.origins = Set.copyOf(origins);
    }

    /** Checks {@code --cors-origin}'s values: {@code *}, or {@code http(s)://host[:port]} with nothing after it. */
    static String problem(String origin) {
        if (origin.equals(ANY)) {
            return null;
        }
        try {
            URI uri = new URI(origin);
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            if (web && uri.getHost() != null && uri.getRawPath().isEmpty() && uri.getRawQuery() == null
                    && uri.getRawFragment() == null && uri.getRawUserInfo() == null) {
                return null;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        return "\"" + origin + "\" is not an origin (expected * or scheme://host[:port], such as https://example.com)";
    }

    /** Before a request: its CORS headers when its origin is allowed; 403 when it names another origin. */
    void apply(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || sameOrigin(ctx, origin)) {
            return;
        }
        if (!origins.contains(ANY) && !origins.contains(origin)) {
            throw new ApiException(403, "origin_not_allowed", "requests from " + origin + " are not allowed (see --cors-origin)",
                    null);
        }
        ctx.header("Access-Control-Allow-Origin", origins.contains(ANY) ? ANY : origin);
        ctx.header("Vary", "Origin");
    }

    /** A preflight that {@link #apply} let through. */
    void preflight(Context ctx) {
        ctx.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", "Content-Type, Authorization");
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
    }

    private static boolean sameOrigin(Context ctx, String origin) {
        String host = ctx.header("Host");
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }
}
