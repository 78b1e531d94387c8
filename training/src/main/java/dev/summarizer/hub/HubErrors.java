package dev.summarizer.hub;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * One-line messages for the Hub's error answers. The Hub says what went wrong in {@code X-Error-Code}
 * (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo) and {@code X-Error-Message}, or in a JSON body
 * {@code {"error": ...}} (the dataset viewer); and it answers 401 rather than 404 for a repository an
 * anonymous caller may not see, so that private names do not leak.
 */
final class HubErrors {
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_MESSAGE = 240;

    private HubErrors() {}

    /**
     * The message for an error answer; {@code fromHub} says it came from the Hub or the dataset viewer (not a
     * CDN), whose 401 and 403 are about the token.
     */
    static HubException forStatus(String what, URI uri, int status, HttpHeaders headers, String serverMessage,
            boolean fromHub, boolean tokenSent, int attempts) {
        String code = headers.firstValue("X-Error-Code").map(String::strip).filter(c -> !c.isEmpty()).orElse(null);
        String details = details(code, serverMessage);
        String withStatus = "(" + status + (code == null ? "" : " " + code)
                + (serverMessage == null || serverMessage.isBlank() ? "" : ": " + serverMessage) + ")";
        String message;
        if (fromHub && status == 401 && tokenSent) {
            message = "access denied " + withStatus + ": HF_TOKEN was not accepted";
        } else if (fromHub && status == 401) {
            // Anonymous callers get 401 for missing repositories too, with a message about passwords: the code says enough.
            message = "access denied (401" + (code == null ? "" : " " + code) + "): it is private or gated, or does not"
                    + " exist; set HF_TOKEN to a token that can read it";
        } else if (fromHub && status == 403) {
            message = "access denied " + withStatus + ": a gated repository needs its conditions accepted on the Hub"
                    + " and HF_TOKEN set to a token of that account";
        } else if (status == 404) {
            message = "not found on " + HubSettings.origin(uri) + " " + withStatus;
        } else {
            message = HubSettings.origin(uri) + " answered " + status + (attempts > 1 ? " after " + attempts(attempts) : "")
                    + (details.isEmpty() ? "" : " (" + details + ")");
        }
        return new HubException(what + ": " + message);
    }

    /** The server's own words about an error answer: X-Error-Message, else the JSON error or a short text body. */
    static String serverMessage(HttpResponse<InputStream> response) {
        String header = response.headers().firstValue("X-Error-Message").orElse(null);
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            body = "";
        }
        if (header != null && !header.isBlank()) {
            return oneLine(header);
        }
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.path("error").isTextual()) {
                return oneLine(json.get("error").textValue());
            }
        } catch (IOException e) {
            // not JSON
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        return type.contains("html") ? "" : oneLine(body);
    }

    static String attempts(int n) {
        return n == 1 ? "1 attempt" : n + " attempts";
    }

    /** An I/O exception's message, or its class when it has none. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : oneLine(message);
    }

    private static String details(String code, String serverMessage) {
        boolean hasCode = code != null && !code.isBlank();
        boolean hasMessage = serverMessage != null && !serverMessage.isBlank();
        if (hasCode && hasMessage) {
            return code.strip() + ": " + serverMessage;
        }
        return hasCode ? code.strip() : hasMessage ? serverMessage : "";
    }

    static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE - 3) + "..." : line;
    }
}
