package dev.summarizer.serving;

import dev.summarizer.cli.Command;
import dev.summarizer.cli.GenerationFlags;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.cli.UsageException;
import dev.summarizer.cli.UserException;
import dev.summarizer.generate.Summarizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code serve}: the HTTP summarization server for an exported model folder. */
public final class ServeCommand implements Command {
    /** Options not on the command line come from {@code SUMMARIZER_*} variables (the container image sets some). */
    static final String ENVIRONMENT_PREFIX = "SUMMARIZER_";

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "serve an exported model over HTTP (POST /v1/summarize, a page at /)";
    }

    @Override
    public Options options() {
        return GenerationFlags.addRuntimeTo(new Options()
                .fromEnvironment(ENVIRONMENT_PREFIX)
                .option("model", "DIR", "an exported model folder")
                .option("host", "ADDRESS", "the address to listen on (0.0.0.0 for every interface)", "127.0.0.1")
                .option("port", "N", "the port to listen on; 0 picks a free one", "8080")
                .option("batching", "continuous|static", "continuous: texts join and leave the running batch at every"
                        + " decoder step; static: a batch runs until its longest text ends (see BENCHMARKS.md)", "continuous")
                .option("max-batch-size", "N", "texts decoded together at most (continuous: decoder rows, texts x beams)", "8")
                .option("max-wait-ms", "N", "how long a batch waits for more requests", "10")
                .option("queue-size", "N", "requests that may wait; more get 503 with Retry-After", "64")
                .option("request-timeout-ms", "N", "requests not answered by then get 504", "60000")
                .option("max-body-bytes", "N", "larger request bodies get 413", "1048576")
                .option("max-input-tokens", "N", "input tokens kept per text (default: the model's max source length, 512)")
                .option("long-inputs", "truncate|reject", "longer texts are truncated (the answer says so) or get 422", "truncate")
                .option("max-texts", "N", "texts per request at most", "32")
                .option("max-request-tokens", "N", "texts x beams x max_new_tokens a request may ask for at most", "32768")
                .option("max-new-tokens-limit", "N", "the largest max_new_tokens a request may ask for", "512")
                .option("max-beams", "N", "the largest num_beams a request may ask for", "8")
                .option("api-key-file", "FILE", "require Authorization: Bearer <the file's key> on /v1/ endpoints")
                .option("cors-origin", "ORIGIN[,ORIGIN...]", "allow browsers on these origins to call the API (default: none)")
                .option("shutdown-timeout-ms", "N", "on SIGTERM, how long in-flight requests may take to finish", "30000"))
                .note("""
                        example:
                          summarizer serve --model runs/samsum/final --port 8080
                          curl -s localhost:8080/v1/summarize -H 'Content-Type: application/json' \\
                            -d '{"text": "Anna: Lunch at noon?\\nBen: Sure!", "num_beams": 4}'
                        The API is described at /openapi.json; /metrics is Prometheus text; / is a page to try it.""");
    }

    @Override
    public int run(ParsedArgs args) throws Exception {
        ServerConfig config = config(args);
        long start = System.nanoTime();
        try (Summarizer summarizer = SummarizationServer.loadModel(config)) {
            SummarizationServer server;
            try {
                server = SummarizationServer.start(config, summarizer);
            } catch (RuntimeException e) {
                if (e.getCause() instanceof IOException io) {
                    throw new UserException("cannot listen on " + config.host() + ":" + config.port() + " (" + io.getMessage() + ")");
                }
                throw e;
            }
            System.err.printf("serving %s on http://%s:%d/ (ready in %.1f s; Ctrl-C stops)%n", config.model(), config.host(),
                    server.port(), (System.nanoTime() - start) / 1e9);
            awaitStopSignal();
            System.err.println("shutting down: finishing the requests in flight");
            server.close();
        }
        return 0;
    }

    /** The key in {@code file}: one line of printable ASCII (what a header can carry), surrounding whitespace ignored. */
    private static String apiKey(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": file not found");
        }
        String key = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).strip();
        if (key.isEmpty()) {
            throw new UserException(file + ": the API key file is empty");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new UserException(String.format("%s: not an API key file: the key must be one line of printable ASCII, "
                        + "found byte 0x%02X at offset %d", file, (int) c, i));
            }
        }
        return key;
    }

    /**
     * Waits for SIGTERM or SIGINT. The signals are handled here instead of through a shutdown hook: ONNX Runtime closes
     * its native environment in a shutdown hook of its own, and hooks run in no fixed order, so a request still
     * decoding during a hook-based drain failed ("Attempt to use DefaultLogger but none has been registered"). Here
     * the JVM keeps running until the server has drained and the model is closed; only then does it exit. A second
     * signal stops at once.
     */
    private static void awaitStopSignal() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        SignalHandler handler = signal -> {
            if (stop.getCount() == 0) {
                System.err.println("stopping now, without waiting for the requests in flight");
                Runtime.getRuntime().halt(1);
            }
            stop.countDown();
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
        stop.await();
    }

    static ServerConfig config(ParsedArgs args) throws IOException {
        String mode = args.required("long-inputs");
        if (!mode.equals("truncate") && !mode.equals("reject")) {
            throw new UsageException(args.label("long-inputs") + ": expected truncate or reject, got \"" + mode + "\"");
        }
        String apiKey = args.path("api-key-file") == null ? null : apiKey(args.path("api-key-file"));
        List<String> origins = args.has("cors-origin")
                ? Arrays.stream(args.string("cors-origin").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()
                : List.of();
        for (String origin : origins) {
            String problem = CorsPolicy.problem(origin);
            if (problem != null) {
                throw new UsageException(args.label("cors-origin") + ": " + problem);
            }
        }
        return new ServerConfig(args.requiredPath("model"), args.required("host"), args.intValue("port", 0, 65535),
                GenerationFlags.device(args), GenerationFlags.threads(args), GenerationFlags.decoderMode(args),
                args.intValue("max-batch-size", 1, 1024), args.intValue("max-wait-ms", 0, 60_000),
                args.intValue("queue-size", 1, 1_000_000), args.intValue("request-timeout-ms", 1, Integer.MAX_VALUE),
                args.intValue("max-body-bytes", 64, Integer.MAX_VALUE),
                args.has("max-input-tokens") ? args.intValue("max-input-tokens", 2, 1_000_000) : 512,
                mode.equals("reject"), args.intValue("max-texts", 1, 10_000),
                args.longValue("max-request-tokens"),
                args.intValue("max-new-tokens-limit", 1, 100_000), args.intValue("max-beams", 1, 64),
                apiKey, origins, args.intValue("shutdown-timeout-ms", 0, Integer.MAX_VALUE),
                Batching.parse(args.required("batching"), args.label("batching")), GenerationFlags.dtype(args));
    }
}
