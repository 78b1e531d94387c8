package dev.summarizer.hub;

import dev.summarizer.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Objects;

/**
 * HTTP to the Hub, its CDN and the dataset viewer. Redirects are followed here rather than by the client
 * because the Hub's answer before the CDN redirect carries what the CDN's does not (X-Linked-Etag,
 * X-Linked-Size); the token goes only to the two configured servers, never to the CDN a redirect points at.
 * Connection errors and 429/5xx answers are retried with backoff, except before any server has answered
 * in this run: then the machine is most likely offline, and saying so at once beats a minute of retries.
 * Every other failure becomes one line naming what was asked for ({@link HubErrors}). Proxies come from the
 * JVM's settings ({@code -Dhttps.proxyHost=...}, or {@code -Djava.net.useSystemProxies=true}).
 */
public final class HubHttp {
    private static final int MAX_REDIRECTS = 10;
    private static final ObjectMapper JSON = Json.MAPPER;

    private final HttpClient client;
    private final HubSettings settings;
    private final RetryPolicy retry;
    private final Duration stallTimeout;
    private boolean anyServerAnswered;

    /** With the standard 30 s a download may go without data before its connection is given up. */
    public HubHttp(HubSettings settings, RetryPolicy retry) {
        this(settings, retry, Duration.ofSeconds(30));
    }

    public HubHttp(HubSettings settings, RetryPolicy retry, Duration stallTimeout) {
        this.settings = Objects.requireNonNull(settings);
        this.retry = Objects.requireNonNull(retry);
        this.stallTimeout = Objects.requireNonNull(stallTimeout);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20))
                .proxy(ProxySelector.getDefault())
                .build();
    }

    public HubSettings settings() {
        return settings;
    }

    public RetryPolicy retry() {
        return retry;
    }

    /** How long a download may go without data before its connection is given up (and the download resumed). */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    /** GETs a JSON document, following every redirect. */
    public JsonNode getJson(URI uri, String what) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = send("GET", uri, 0, what, true, false);
        try (InputStream body = response.body()) {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new HubException(what + ": the answer of " + HubSettings.origin(uri) + " is not JSON");
        }
    }

    /**
     * HEAD of a file's resolve URL. Relative redirects (a renamed repository) are followed; an absolute one
     * is answered as it is, since its Location is where the content lives.
     */
    public HttpResponse<InputStream> head(URI uri, String what) throws IOException, InterruptedException {
        return send("HEAD", uri, 0, what, false, false);
    }

    /**
     * GETs content from byte {@code from} on (a Range request when it is not 0), following every redirect.
     * The answer is 200, 206, or 416 when the range starts at or past the end; the caller closes the body.
     */
    public HttpResponse<InputStream> getContent(URI uri, long from, String what) throws IOException, InterruptedException {
        return send("GET", uri, from, what, true, true);
    }

    private HttpResponse<InputStream> send(String method, URI start, long rangeFrom, String what, boolean followAbsolute,
            boolean rangeNotSatisfiableIsAnAnswer) throws IOException, InterruptedException {
        URI uri = start;
        for (int hop = 0; ; hop++) {
            HttpResponse<InputStream> response = sendWithRetries(method, uri, rangeFrom, what, rangeNotSatisfiableIsAnAnswer);
            if (!isRedirect(response.statusCode())) {
                return response;
            }
            String location = response.headers().firstValue("Location").orElse(null);
            if (location == null) {
                response.body().close();
                throw new HubException(what + ": " + HubSettings.origin(uri) + " answered " + response.statusCode()
                        + " without a Location");
            }
            URI relocation;
            try {
                relocation = new URI(location);
            } catch (URISyntaxException e) {
                response.body().close();
                throw new HubException(what + ": " + HubSettings.origin(uri) + " redirected to a malformed URL: " + location);
            }
            if (relocation.getScheme() != null && !relocation.getScheme().equalsIgnoreCase("http")
                    && !relocation.getScheme().equalsIgnoreCase("https")) {
                response.body().close();
                throw new HubException(what + ": " + HubSettings.origin(uri) + " redirected to a non-http(s) URL: " + location);
            }
            boolean absolute = relocation.isAbsolute() || relocation.getRawAuthority() != null;
            if (absolute && !followAbsolute) {
                return response;
            }
            response.body().close();
            if (hop == MAX_REDIRECTS) {
                throw new HubException(what + ": more than " + MAX_REDIRECTS + " redirects from " + start);
            }
            uri = uri.resolve(relocation);
        }
    }

    private HttpResponse<InputStream> sendWithRetries(String method, URI uri, long rangeFrom, String what,
            boolean rangeNotSatisfiableIsAnAnswer) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<InputStream> response;
            try {
                response = client.send(request(method, uri, rangeFrom), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                if (!anyServerAnswered || isUnresolvedHost(e)) {
                    throw new HubException("cannot reach " + HubSettings.origin(uri) + " (offline?)");
                }
                if (attempt > retry.retries()) {
                    throw new HubException(what + ": lost the connection to " + HubSettings.origin(uri) + " after "
                            + HubErrors.attempts(attempt) + " (" + HubErrors.describe(e) + ")");
                }
                retry.sleepBefore(attempt, null);
                continue;
            }
            anyServerAnswered = true;
            int status = response.statusCode();
            if (status < 400 || (rangeNotSatisfiableIsAnAnswer && status == 416)) {
                return response;
            }
            String serverMessage = HubErrors.serverMessage(response);
            if ((status == 429 || status >= 500) && attempt <= retry.retries()) {
                retry.sleepBefore(attempt, retryAfter(response));
                continue;
            }
            throw HubErrors.forStatus(what, uri, status, response.headers(), serverMessage, isConfiguredServer(uri),
                    settings.token() != null, attempt);
        }
    }

    private HttpRequest request(String method, URI uri, long rangeFrom) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(60))
                .header("User-Agent", "summarizer-fetch/0.1 (Java " + Runtime.version().feature() + ")");
        if (rangeFrom > 0) {
            builder.header("Range", "bytes=" + rangeFrom + "-");
        }
        if (settings.token() != null && isConfiguredServer(uri)) {
            builder.header("Authorization", "Bearer " + settings.token());
        }
        return builder.build();
    }

    private boolean isConfiguredServer(URI uri) {
        String origin = HubSettings.origin(uri);
        return origin.equalsIgnoreCase(HubSettings.origin(settings.endpoint()))
                || origin.equalsIgnoreCase(HubSettings.origin(settings.datasetsServer()));
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean isUnresolvedHost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Long.parseLong(v.strip()));
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
    }
}
