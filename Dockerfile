# syntax=docker/dockerfile:1
# The summarization server as a container image: built with Maven, run on a slim glibc JRE as a non-root user, the
# model folder mounted at /model. Every `serve` option can be set as a SUMMARIZER_* environment variable
# (SUMMARIZER_MAX_BATCH_SIZE for --max-batch-size, ...; the command line wins).
#
#   docker build -t summarizer .
#   docker run -p 8080:8080 -v "$PWD/runs/demo/model:/model:ro" summarizer
#
# A read-only model folder without ONNX files is exported on first start into the cache at /cache (a volume).

# --- build --------------------------------------------------------------------------------------------------------
FROM maven:3.9.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml ./
COPY models/pom.xml models/
COPY training/pom.xml training/
COPY serving/pom.xml serving/
COPY spark/pom.xml spark/
COPY models/src models/src
COPY serving/src serving/src
# The CPU build of ONNX Runtime (-Pcpu): the GPU build needs CUDA libraries this base does not have. Maven's downloads
# stay in a build cache, not in the image.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -Pcpu -pl serving -am package -DskipTests \
 && mvn -B -q -Pcpu -pl serving dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/app/lib \
 && cp models/target/summarizer-models-*[0-9T].jar serving/target/summarizer-serving-*[0-9T].jar /app/lib/

# --- run ----------------------------------------------------------------------------------------------------------
FROM eclipse-temurin:21-jre-noble
RUN groupadd --system --gid 10001 summarizer \
 && useradd --system --uid 10001 --gid summarizer --home-dir /home/summarizer --create-home summarizer \
 && mkdir -p /model /cache && chown summarizer:summarizer /cache
COPY --from=build /app/lib /app/lib
# ONNX Runtime 1.29 crashes at start with a long command line unless its telemetry is off; DJL's tokenizer probes a
# cloud metadata address unless tracking is opted out. Whatever is written at run time (exports of a read-only model
# folder, the tokenizer's native library) goes under /cache, so the root file system can stay read-only.
ENV ORT_DISABLE_TELEMETRY=1 \
    OPT_OUT_TRACKING=true \
    XDG_CACHE_HOME=/cache \
    DJL_CACHE_DIR=/cache/djl \
    SUMMARIZER_MODEL=/model \
    SUMMARIZER_HOST=0.0.0.0 \
    SUMMARIZER_PORT=8080 \
    SUMMARIZER_BATCHING=continuous \
    SUMMARIZER_SHUTDOWN_TIMEOUT_MS=30000
VOLUME ["/model", "/cache"]
USER 10001:10001
EXPOSE 8080
# bash's /dev/tcp: no curl in the image, and a JVM per probe would cost more than the probe.
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SUMMARIZER_PORT} && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# SIGTERM drains: readiness turns 503, requests in flight finish (up to SUMMARIZER_SHUTDOWN_TIMEOUT_MS), then exit 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8", \
            "-XX:MaxRAMPercentage=75", "-cp", "/app/lib/*", "dev.summarizer.cli.Main", "serve"]
