package dev.summarizer.serving;

import dev.summarizer.generate.ContinuousBatch;
import dev.summarizer.Json;
import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.export.ExportedModel;
import dev.summarizer.export.quantize.QuantizationSpec;
import dev.summarizer.generate.DecodingObserver;
import dev.summarizer.generate.DecodingSettings;
import dev.summarizer.generate.EncoderInput;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.InvalidTextException;
import dev.summarizer.generate.InvalidSettingException;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.Summary;
import dev.summarizer.model.ModelFolder;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: {@code POST /v1/summarize} (JSON), {@code POST /v1/summarize/stream} (server-sent events),
 * {@code /healthz}, {@code /readyz}, {@code /metrics}, {@code /openapi.json} and a page at {@code /}. All
 * routes are declared here, in one place; the work happens in {@link BatchScheduler}.
 */
public final class SummarizationServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SummarizationServer.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final String REQUEST_START = "summarizer.start";
    /** Tokens each warm-up summary decodes at most. */
    private static final int WARM_UP_TOKENS = 16;
    /** Requests past the first before-handler whose answer is not yet written. */
    private final AtomicInteger answering = new AtomicInteger();
    private static final java.util.Set<String> ENDPOINTS = java.util.Set.of("/", "/healthz", "/readyz", "/metrics",
            "/openapi.json", "/v1/summarize", "/v1/summarize/stream");

    private final ServerConfig config;
    private final Summarizer summarizer;
    private final GenerationSettings defaults;
    private final RequestParser parser;
    private final InferenceApiParser inferenceParser;
    private final CorsPolicy cors;
    private final ServerMetrics metrics = new ServerMetrics();
    private final Scheduler scheduler;
    private final Javalin app;
    private volatile String state = "starting";

    private SummarizationServer(ServerConfig config, Summarizer summarizer, ContinuousBatch continuous) {
        this.config = config;
        this.summarizer = summarizer;
        GenerationSettings model = summarizer.defaults();
        this.defaults = model.withSource(model.source().withMaxSourceLength(
                Math.min(model.source().maxSourceLength(), config.maxInputTokens())));
        this.parser = new RequestParser(config);
        this.inferenceParser = new InferenceApiParser(config);
        this.cors = new CorsPolicy(config.corsOrigins());
        // Under continuous batching, the static scheduler takes what the batch cannot (prompt lookup).
        BatchScheduler statically = new BatchScheduler(summarizer, config.maxBatchSize(), config.maxWaitMillis(),
                config.queueCapacity(), metrics);
        this.scheduler = continuous != null
                ? new ContinuousScheduler(summarizer, continuous, config.queueCapacity(), metrics, statically)
                : statically;
        this.app = Javalin.create(javalin -> {
            javalin.http.maxRequestSize = config.maxBodyBytes();
            javalin.http.defaultContentType = "application/json";
            javalin.concurrency.useVirtualThreads = true;
            javalin.startup.showJavalinBanner = false;
            // The scheduler drains first; Jetty then waits for the handlers still writing their answers.
            // Jetty reuses header fields it has seen on a connection, matching their values without regard to case:
            // "Authorization: Bearer K3Y" after "Bearer k3y" arrived as the latter, so a key differing only in case
            // passed on a kept-alive connection.
            javalin.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
            javalin.jetty.modifyServer(jetty -> {
                jetty.setStopTimeout(Math.max(1000, config.shutdownTimeoutMillis()));
                jetty.insertHandler(new GracefulHandler());
            });
            var routes = javalin.routes;
            routes.before(ctx -> {
                ctx.attribute(REQUEST_START, System.nanoTime());
                answering.incrementAndGet();
            });
            // Javalin logs a request once its answer is written and closed: until then, stopping Jetty could cut it.
            javalin.requestLogger.http((ctx, millis) -> answering.decrementAndGet());
            routes.before("/v1/*", this::guardApi);
            // The Inference API's routes: POST / (GET / is the page, open to all) and POST /models/{name}.
            routes.before("/", ctx -> {
                if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) {
                    guardApi(ctx);
                }
            });
            routes.before("/models/*", this::guardApi);
            routes.options("/v1/summarize", cors::preflight);
            routes.options("/v1/summarize/stream", cors::preflight);
            routes.options("/", cors::preflight);
            routes.options("/models/<name>", cors::preflight);
            routes.after(ctx -> {
                Long start = ctx.attribute(REQUEST_START);
                if (start != null) {
                    // Unknown paths share one label, so random URLs cannot grow the metrics without bound.
                    String endpoint = ENDPOINTS.contains(ctx.path()) ? ctx.path()
                            : ctx.path().startsWith("/models/") ? "/models/{name}" : "other";
                    metrics.request(endpoint, ctx.statusCode(), System.nanoTime() - start);
                }
            });
            routes.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(resource("index.html")));
            routes.get("/healthz", ctx -> ctx.result("{\"status\":\"ok\"}"));
            routes.get("/readyz", ctx -> ctx.status(state.equals("ready") ? 200 : 503).result("{\"status\":\"" + state + "\"}"));
            routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            routes.get("/openapi.json", ctx -> ctx.result(resource("openapi.json")));
            routes.post("/v1/summarize", this::summarize);
            routes.post("/v1/summarize/stream", this::stream);
            routes.post("/", this::inferenceApi);
            routes.post("/models/<name>", this::inferenceApi);
            routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage(), e.field()));
            routes.exception(HttpResponseException.class, (e, ctx) -> {
                switch (e.getStatus()) {
                    case 413 -> error(ctx, 413, "body_too_large", "the body is larger than " + config.maxBodyBytes() + " bytes", null);
                    case 404 -> error(ctx, 404, "not_found", "no such endpoint: " + ctx.method() + " " + ctx.path(), null);
                    case 405 -> error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path(), null);
                    default -> error(ctx, e.getStatus(), "http_" + e.getStatus(), e.getMessage(), null);
                }
            });
            routes.exception(Exception.class, (e, ctx) -> {
                if (endedEarly(e)) {
                    // A Content-Length longer than the body sent: the client's mistake, not worth a stack trace.
                    error(ctx, 400, "incomplete_body", "the body ended before its Content-Length", null);
                    return;
                }
                LOG.error("request failed", e);
                error(ctx, 500, "internal_error", "the server failed to answer: " + e.getClass().getSimpleName(), null);
            });
            javalin.http.prefer405over404 = true;
        });
    }

    /**
     * Warms the model up and starts listening. With continuous batching, first builds the batch's decoder from the
     * model folder's weights (closed with the server).
     */
    public static SummarizationServer start(ServerConfig config, Summarizer summarizer) throws OrtException {
        return start(config, summarizer, ContinuousBatch.StepListener.NONE);
    }

    /** The quantization of the files {@code summarizer} runs, which the continuous batch's decoder must match. */
    private static QuantizationSpec quantization(Summarizer summarizer) {
        try {
            return summarizer.model().quantization();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the quantized decoder's settings: " + e.getMessage(), e);
        }
    }

    /** Tests: {@code stepHook} also sees every continuous batching step, before the metrics do. */
    static SummarizationServer start(ServerConfig config, Summarizer summarizer, ContinuousBatch.StepListener stepHook)
            throws OrtException {
        ContinuousBatch continuous = null;
        SummarizationServer server;
        try {
            if (config.batching() == Batching.CONTINUOUS) {
                ServerMetrics[] metrics = new ServerMetrics[1];
                continuous = ContinuousBatch.open(summarizer.model(), ModelFolder.open(config.model()).readWeights(summarizer.config()),
                        quantization(summarizer), config.device(), config.threads(), config.maxBatchSize(),
                        new ContinuousBatch.StepListener() {
                            @Override
                            public void beforeStep(int rows, int texts) {
                                stepHook.beforeStep(rows, texts);
                            }

                            @Override
                            public void afterStep(int rows, int texts, long nanos) {
                                stepHook.afterStep(rows, texts, nanos);
                                if (metrics[0] != null) {
                                    metrics[0].continuousStep(rows, texts, nanos);
                                }
                            }

                            @Override
                            public void joined(long waitedNanos) {
                                if (metrics[0] != null) {
                                    metrics[0].queueWait(waitedNanos);
                                }
                            }
                        });
                // The weights read and the graphs serialised to open the row-wise decoder are garbage now (~640 MB for
                // t5-small); collected at once, the heap shrinks back, otherwise the JVM keeps it committed for good
                // (measured, when the decoder files still opened with the model: 2.17 GB resident after load, 1.52 GB
                // after a collection).
                System.gc();
                server = new SummarizationServer(config, summarizer, continuous);
                metrics[0] = server.metrics;
            } else {
                server = new SummarizationServer(config, summarizer, null);
            }
        } catch (RuntimeException | OrtException e) {
            if (continuous != null) {
                continuous.close();
            }
            throw e;
        }
        server.app.start(config.host(), config.port());
        server.warmUp();
        server.state = "ready";
        return server;
    }

    /**
     * Opens the model folder {@code config} names. Under continuous batching its decoder files open at their first use
     * (prompt lookup, a text retried alone): the batch decodes with a decoder of its own.
     */
    public static Summarizer loadModel(ServerConfig config) throws OrtException, IOException {
        ModelFolder folder = ExportedModel.ensure(ModelFolder.open(config.model()), System.err::println);
        OnnxSeq2SeqModel.DecoderLoading loading = config.batching() == Batching.CONTINUOUS
                ? OnnxSeq2SeqModel.DecoderLoading.AT_FIRST_USE : OnnxSeq2SeqModel.DecoderLoading.AT_OPEN;
        return Summarizer.open(folder, config.device(), config.threads(), config.decoderMode(), config.dtype(), loading);
    }

    /**
     * One short summary of each kind, so that the first real request does not pay for allocations and kernels. Short:
     * a model that rarely emits EOS (an untrained one) would otherwise run its whole default length, seconds of
     * start-up, and caches longer than the warm-up's grow at small cost in the first request that needs them.
     */
    private void warmUp() throws OrtException {
        String text = "Anna: Are we still meeting at noon?\nBen: Yes, see you at the station.";
        DecodingSettings d = defaults.decoding();
        int tokens = Math.min(d.maxNewTokens(), WARM_UP_TOKENS);
        DecodingSettings twoBeams = new DecodingSettings(tokens, 0, 2, 1.0, d.earlyStopping(), 0);
        if (scheduler instanceof ContinuousScheduler) {
            // Through the batch only, so the decoder files stay closed until prompt lookup or a retry needs them.
            // Greedy first, so that a model whose default beams outnumber the batch's rows warms up too.
            warmUpInBatch(text, DecodingSettings.greedy(tokens));
            if (config.maxBatchSize() >= 2) {
                warmUpInBatch(text, twoBeams);
            }
            return;
        }
        summarizer.summarize(List.of(text), defaults.withDecoding(
                new DecodingSettings(tokens, 0, d.numBeams(), d.lengthPenalty(), d.earlyStopping(), d.noRepeatNgramSize())));
        if (d.numBeams() == 1) {
            summarizer.summarize(List.of(text), defaults.withDecoding(twoBeams));
        }
    }

    private void warmUpInBatch(String text, DecodingSettings decoding) {
        try {
            scheduler.submit(List.of(summarizer.prepare(text, defaults.source())), decoding, null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the continuous batch failed to warm up", e.getCause());
        }
    }

    public int port() {
        return app.port();
    }

    public String state() {
        return state;
    }

    /** Whether a batch is being decoded or requests are waiting. */
    boolean busy() {
        return scheduler.busy();
    }

    /** Tests: the scheduler, to watch or hold its decoding steps. */
    Scheduler scheduler() {
        return scheduler;
    }

    // ---------------------------------------------------------------------------------------------
    // Handlers

    /** Whether reading the request failed because its body stopped short (Jetty's EofException, somewhere in the causes). */
    private static boolean endedEarly(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.EOFException) {
                return true;
            }
        }
        return false;
    }

    /** CORS, then (but for preflights) the API key and a JSON body: what every API route asks first. */
    private void guardApi(Context ctx) {
        cors.apply(ctx);
        if (ctx.method() != HandlerType.OPTIONS) {
            authenticate(ctx);
            requireJson(ctx);
        }
    }

    /** {@code Authorization: Bearer KEY}; the scheme's case does not matter (RFC 7235), the key's does. */
    private void authenticate(Context ctx) {
        if (config.apiKey() == null) {
            return;
        }
        String header = ctx.header("Authorization");
        String scheme = "bearer ";
        String given = header != null && header.regionMatches(true, 0, scheme, 0, scheme.length())
                ? header.substring(scheme.length()).strip() : "";
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), config.apiKey().getBytes(StandardCharsets.UTF_8))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "unauthorized", "a valid Authorization: Bearer <key> header is required", null);
        }
    }

    /**
     * Request bodies are JSON, said so: a page on another site can send a form or text/plain without asking the
     * browser's CORS permission first, but not application/json.
     */
    private static void requireJson(Context ctx) {
        if (ctx.method() != HandlerType.POST) {
            return;
        }
        String type = ctx.header("Content-Type");
        String media = type == null ? "" : type.split(";", 2)[0].strip();
        if (!media.equalsIgnoreCase("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "the body must be application/json"
                    + (type == null ? " (no Content-Type given)" : ", got " + type), null);
        }
    }

    /**
     * Checks and tokenizes a request's texts here, on the request's thread, so the batch worker only decodes: a long
     * text costs its own client the time, not everyone queued behind it.
     */
    private List<EncoderInput> prepare(SummarizeRequest request, GenerationSettings settings) {
        return prepare(request, settings, config.rejectLongInputs(), "text", "texts");
    }

    /** {@link #prepare(SummarizeRequest, GenerationSettings)} with the fields named as the request's format names them. */
    private List<EncoderInput> prepare(SummarizeRequest request, GenerationSettings settings, boolean rejectLongInputs,
            String singleField, String listField) {
        List<EncoderInput> inputs = new ArrayList<>();
        for (int i = 0; i < request.texts().size(); i++) {
            String field = request.single() ? singleField : listField + "[" + i + "]";
            EncoderInput input;
            try {
                input = summarizer.prepare(request.texts().get(i), settings.source());
            } catch (InvalidTextException e) {
                throw ApiException.badRequest("invalid_text", e.getMessage(), field);
            }
            if (rejectLongInputs && input.truncated()) {
                throw new ApiException(422, "text_too_long", "the text has " + input.tokenCount() + " tokens; the limit is "
                        + settings.source().maxSourceLength(), field);
            }
            inputs.add(input);
        }
        return inputs;
    }

    /** The request's settings over the model's defaults, and a check that the work they ask for is within the limit. */
    private GenerationSettings settings(SummarizeRequest request) {
        GenerationSettings settings;
        try {
            settings = request.overrides().applyTo(defaults);
        } catch (InvalidSettingException e) {
            throw ApiException.badRequest("out_of_range", e.getMessage(), e.setting());
        }
        DecodingSettings d = settings.decoding();
        if (config.batching() == Batching.CONTINUOUS && d.numBeams() > config.maxBatchSize()) {
            throw ApiException.badRequest("out_of_range", "num_beams must be at most " + config.maxBatchSize()
                    + " (the server's --max-batch-size rows), got " + d.numBeams(), "num_beams");
        }
        long work = (long) request.texts().size() * d.numBeams() * d.maxNewTokens();
        if (work > config.maxRequestTokens()) {
            throw ApiException.badRequest("out_of_range", "the request asks for " + request.texts().size() + " texts x "
                    + d.numBeams() + " beams x " + d.maxNewTokens() + " new tokens = " + work + " tokens; the limit is "
                    + config.maxRequestTokens() + " (fewer texts, beams or max_new_tokens)", "max_new_tokens");
        }
        return settings;
    }

    private void summarize(Context ctx) throws Exception {
        requireReady();
        long start = System.nanoTime();
        SummarizeRequest request = parser.parse(ctx.body());
        GenerationSettings settings = settings(request);
        List<Summary> summaries = await(ctx, scheduler.submit(prepare(request, settings), settings.decoding(), null), start);
        ObjectNode body = JSON.createObjectNode();
        if (request.single()) {
            write(body, summaries.get(0));
        } else {
            ArrayNode list = body.putArray("summaries");
            summaries.forEach(s -> write(list.addObject(), s));
        }
        body.put("time_ms", (System.nanoTime() - start) / 1_000_000);
        ctx.result(JSON.writeValueAsString(body));
    }

    /**
     * {@code POST /} and {@code POST /models/{name}}: the Hugging Face Inference API's summarization task, answered
     * {@code [{"summary_text": ...}, ...]}, one per input, with errors as {@code {"error": "..."}}. One server serves one
     * model, so any name is accepted.
     */
    private void inferenceApi(Context ctx) throws Exception {
        requireReady();
        long start = System.nanoTime();
        InferenceApiParser.Request parsed = inferenceParser.parse(ctx.body());
        GenerationSettings settings = settings(parsed.request());
        boolean reject = config.rejectLongInputs() || parsed.truncation() == InferenceApiParser.Truncation.REJECT;
        List<Summary> summaries = await(ctx, scheduler.submit(prepare(parsed.request(), settings, reject, "inputs", "inputs"),
                settings.decoding(), null), start);
        ArrayNode out = JSON.createArrayNode();
        for (Summary s : summaries) {
            out.addObject().put("summary_text", parsed.cleanUpSpaces() == null ? s.text()
                    : summarizer.tokenizer().decode(s.tokenIds(), parsed.cleanUpSpaces()));
        }
        ctx.result(JSON.writeValueAsString(out));
    }

    /** Waits for a queued request's answer, giving up at the request timeout or when the client has gone. */
    private List<Summary> await(Context ctx, CompletableFuture<List<Summary>> future, long start) throws Exception {
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMillis());
        ClientConnection connection = ClientConnection.watch(ctx);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                future.cancel(false);
                throw new ApiException(504, "timeout", "no answer within " + config.requestTimeoutMillis() + " ms", null);
            }
            try {
                List<Summary> summaries = future.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                if (connection.mustClose()) {
                    ctx.header("Connection", "close");
                }
                return summaries;
            } catch (TimeoutException e) {
                if (connection.gone()) {
                    future.cancel(false);
                    throw new ApiException(499, "client_closed", "the client closed the connection", null);
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ApiException api) {
                    throw api;
                }
                if (e.getCause() instanceof CancellationException) {
                    throw new ApiException(499, "client_closed", "the request was cancelled", null);
                }
                throw e.getCause() instanceof Exception ex ? ex : e;
            }
        }
    }

    private void stream(Context ctx) throws Exception {
        requireReady();
        long start = System.nanoTime();
        SummarizeRequest request = parser.parse(ctx.body());
        if (!request.single()) {
            throw ApiException.badRequest("invalid_request", "streaming takes one \"text\"", "texts");
        }
        GenerationSettings settings = settings(request);
        if (request.overrides().numBeams() == null && settings.decoding().numBeams() != 1) {
            // Streaming is greedy: a model's default beams (t5-small's task settings ask for 4) do not apply to it.
            DecodingSettings d = settings.decoding();
            settings = settings.withDecoding(new DecodingSettings(d.maxNewTokens(), d.minNewTokens(), 1, d.lengthPenalty(),
                    d.earlyStopping(), d.noRepeatNgramSize()));
        }
        if (settings.decoding().numBeams() != 1) {
            throw ApiException.badRequest("out_of_range", "streaming decodes greedily: num_beams must be 1", "num_beams");
        }
        StreamingObserver observer = new StreamingObserver(summarizer.tokenizer());
        CompletableFuture<List<Summary>> future = scheduler.submit(prepare(request, settings), settings.decoding(), observer);
        ctx.contentType("text/event-stream; charset=utf-8");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Accel-Buffering", "no");
        var out = ctx.res().getOutputStream();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMillis());
        try {
            while (true) {
                String piece = observer.nextPiece(50);
                if (piece != null) {
                    sendEvent(out, "token", JSON.createObjectNode().put("text", piece));
                    continue;
                }
                if (future.isDone() && !observer.hasPieces()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    observer.cancel();
                    sendEvent(out, "error", errorJson("timeout", "no answer within " + config.requestTimeoutMillis() + " ms", null));
                    return;
                }
            }
            try {
                Summary s = future.get().get(0);
                ObjectNode done = JSON.createObjectNode();
                write(done, s);
                done.put("time_ms", (System.nanoTime() - start) / 1_000_000);
                sendEvent(out, "done", done);
            } catch (ExecutionException e) {
                LOG.error("streaming request failed", e.getCause());
                sendEvent(out, "error", errorJson("internal_error", "the server failed to answer", null));
            }
        } catch (IOException clientGone) {
            observer.cancel();
        }
    }

    private static void sendEvent(java.io.OutputStream out, String event, ObjectNode data) throws IOException {
        out.write(("event: " + event + "\ndata: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void requireReady() {
        if (!state.equals("ready")) {
            throw new ApiException(503, state.equals("starting") ? "starting" : "shutting_down",
                    "the server is " + state.replace('_', ' '), null);
        }
    }

    private static void write(ObjectNode node, Summary s) {
        node.put("summary", s.text());
        node.put("tokens", s.tokenIds().length);
        node.put("input_tokens", s.inputTokens());
        node.put("truncated", s.truncated());
    }

    private static void error(Context ctx, int status, String code, String message, String field) {
        if (status == 503) {
            ctx.header("Retry-After", "1");
        }
        try {
            // The Inference API's clients read {"error": "message"}; this API's read the code and field too.
            // Its one string names the field when the message does not already.
            Object body = isInferenceApi(ctx)
                    ? JSON.createObjectNode().put("error", field == null || message.contains(field) ? message : field + ": " + message)
                    : errorJson(code, message, field);
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isInferenceApi(Context ctx) {
        return (ctx.path().equals("/") && ctx.method() == HandlerType.POST) || ctx.path().startsWith("/models/");
    }

    private static ObjectNode errorJson(String code, String message, String field) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        if (field != null) {
            error.put("field", field);
        } else {
            error.putNull("field");
        }
        return body;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SummarizationServer.class.getResourceAsStream("/dev/summarizer/serving/" + name)) {
            if (in == null) {
                throw new IOException("resource " + name + " missing from the build");
            }
            return in.readAllBytes();
        }
    }

    /**
     * Graceful shutdown, in the order that keeps every answer whole: readiness goes to 503 and new requests are
     * refused; queued and running batches finish (up to the shutdown timeout); the batch worker is joined; then
     * Jetty stops, waiting for the handlers still writing their answers. The caller closes the model after this.
     */
    @Override
    public void close() throws InterruptedException {
        state = "shutting_down";
        boolean drained = scheduler.drain(config.shutdownTimeoutMillis());
        if (!drained) {
            LOG.warn("shutdown timeout: some requests were still running");
        }
        scheduler.close();
        // Decoded answers may still be on their way out; Jetty's graceful stop alone was seen to cut one short (a 200
        // whose JSON ended half way) when the body was still being copied as the server stopped.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1000, config.shutdownTimeoutMillis()));
        while (answering.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        app.stop();
    }
}
