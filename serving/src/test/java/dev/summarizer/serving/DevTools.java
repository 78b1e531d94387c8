package dev.summarizer.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol (a JSON message per WebSocket frame, answered by
 * id), with just what a page test needs: navigate, evaluate, type and click. No driver binary or npm package:
 * the JDK's HTTP client speaks WebSocket.
 */
final class DevTools implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Chromium's usual names; CHROMIUM names another binary. */
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable");

    private final Process browser;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private DevTools(Process browser, WebSocket socket) {
        this.browser = browser;
        this.socket = socket;
    }

    /** The Chromium binary to run, or null when there is none. */
    static Path findChromium() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("CHROMIUM");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.addAll(CANDIDATES);
        return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
    }

    /** Starts a headless Chromium with a fresh profile in {@code profile} and connects to its blank page. */
    static DevTools launch(Path chromium, Path profile) throws Exception {
        Files.createDirectories(profile);
        // The flags keep a sandboxed test machine's Chromium from reaching for the network or a GPU.
        Process browser = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            int port = devToolsPort(browser, profile);
            HttpClient http = HttpClient.newHttpClient();
            String targets = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String pageSocket = null;
            for (JsonNode target : JSON.readTree(targets)) {
                if (target.path("type").asText().equals("page")) {
                    pageSocket = target.path("webSocketDebuggerUrl").asText();
                    break;
                }
            }
            if (pageSocket == null) {
                throw new IllegalStateException("Chromium shows no page: " + targets);
            }
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), listener).get(30, TimeUnit.SECONDS);
            DevTools tools = new DevTools(browser, socket);
            listener.owner = tools;
            return tools;
        } catch (Exception e) {
            stop(browser);
            throw e;
        }
    }

    /** Chromium writes the port it picked to DevToolsActivePort in the profile once it listens. */
    private static int devToolsPort(Process browser, Path profile) throws Exception {
        Path file = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).strip());
                }
            }
            if (!browser.isAlive()) {
                throw new IllegalStateException("Chromium exited: " + Files.readString(profile.resolve("chromium.log")));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Chromium did not open its DevTools port in " + TIMEOUT.toSeconds() + " s");
    }

    /** Sends a command and waits for its result; a protocol error becomes an exception. */
    JsonNode send(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params == null ? JSON.createObjectNode() : params);
        socket.sendText(JSON.writeValueAsString(message), true).get(30, TimeUnit.SECONDS);
        JsonNode reply = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new IllegalStateException(method + ": " + reply.get("error"));
        }
        return reply.path("result");
    }

    static ObjectNode params() {
        return JSON.createObjectNode();
    }

    void navigate(String url) throws Exception {
        send("Page.navigate", params().put("url", url));
        waitFor("document.readyState === 'complete' && location.href === " + JSON.writeValueAsString(url));
    }

    /** The value of a JavaScript expression in the page (promises are awaited); a thrown error becomes an exception. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode result = send("Runtime.evaluate", params().put("expression", expression).put("returnByValue", true)
                .put("awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException(expression + ": " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Polls until the expression is true. */
    void waitFor(String expression) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!evaluate(expression).asBoolean(false)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("still not true after " + TIMEOUT.toSeconds() + " s: " + expression);
            }
            Thread.sleep(50);
        }
    }

    /** Focuses the element and types the text into it, as a keyboard (or an input method) would. */
    void type(String selector, String text) throws Exception {
        evaluate("document.querySelector(" + JSON.writeValueAsString(selector) + ").focus()");
        send("Input.insertText", params().put("text", text));
    }

    /** A left click with the mouse in the middle of the element, scrolled into view first. */
    void click(String selector) throws Exception {
        JsonNode box = evaluate("(() => { const e = document.querySelector(" + JSON.writeValueAsString(selector)
                + "); e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); "
                + "return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()");
        for (String type : List.of("mousePressed", "mouseReleased")) {
            send("Input.dispatchMouseEvent", params().put("type", type).put("x", box.get("x").asDouble())
                    .put("y", box.get("y").asDouble()).put("button", "left").put("clickCount", 1));
        }
    }

    String text(String selector) throws Exception {
        return evaluate("document.querySelector(" + JSON.writeValueAsString(selector) + ").textContent").asText();
    }

    @Override
    public void close() {
        socket.abort();
        stop(browser);
    }

    private static void stop(Process browser) {
        browser.descendants().forEach(ProcessHandle::destroy);
        browser.destroy();
        try {
            if (!browser.waitFor(10, TimeUnit.SECONDS)) {
                browser.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            browser.destroyForcibly();
        }
    }

    /** Joins a message's frames and hands each answer to the command waiting for its id. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder frames = new StringBuilder();
        private volatile DevTools owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            frames.append(data);
            if (last) {
                String message = frames.toString();
                frames.setLength(0);
                try {
                    JsonNode node = JSON.readTree(message);
                    if (node.has("id") && owner != null) {
                        CompletableFuture<JsonNode> answer = owner.pending.remove(node.get("id").asInt());
                        if (answer != null) {
                            answer.complete(node);
                        }
                    }
                } catch (IOException e) {
                    // Not JSON: not an answer anyone waits for.
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
