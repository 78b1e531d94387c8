package dev.summarizer.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.cli.Options;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.runtime.Device;
import dev.summarizer.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The container image and the Kubernetes manifests against the server they run: no container runtime is reachable
 * here, so what can be checked is checked. Every {@code SUMMARIZER_*} variable they set is an option of {@code serve},
 * and the server parses them into the intended settings; the probes ask for paths the server answers 200 on, on the
 * port it listens on; the termination grace outlasts preStop plus the drain; the HorizontalPodAutoscaler scales this
 * Deployment on CPU; the Service reaches the container's port; the image runs as a non-root user with the model folder
 * as a volume and a HEALTHCHECK on /healthz.
 */
class DeploymentManifestsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(String file) throws Exception {
        return new Yaml().load(Files.readString(ROOT.resolve("deploy/kubernetes").resolve(file)));
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            current = key.matches("\\d+") ? ((List<Object>) current).get(Integer.parseInt(key)) : ((Map<String, Object>) current).get(key);
            assertNotNull(current, "no " + String.join(".", path));
        }
        return (T) current;
    }

    /** The Dockerfile's ENV assignments of the run stage, in order. */
    private static Map<String, String> dockerfileEnvironment(String dockerfile) {
        String runStage = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
        Map<String, String> env = new LinkedHashMap<>();
        Matcher block = Pattern.compile("\\nENV ((?:[^\\n]*\\\\\\n)*[^\\n]*)").matcher(runStage);
        while (block.find()) {
            Matcher pair = Pattern.compile("([A-Z_]+)=(\\S+)").matcher(block.group(1));
            while (pair.find()) {
                env.put(pair.group(1), pair.group(2));
            }
        }
        return env;
    }

    @Test
    void theImageRunsTheServerAsANonRootUserWithTheModelAsAVolume() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        Map<String, String> env = dockerfileEnvironment(dockerfile);
        assertEquals("1", env.get("ORT_DISABLE_TELEMETRY"));
        assertEquals("true", env.get("OPT_OUT_TRACKING"));
        Matcher user = Pattern.compile("\\nUSER (\\S+)").matcher(dockerfile);
        assertTrue(user.find(), "a USER line");
        assertFalse(user.group(1).startsWith("0") || user.group(1).startsWith("root"), user.group(1));
        Matcher volume = Pattern.compile("\\nVOLUME \\[([^]]*)]").matcher(dockerfile);
        assertTrue(volume.find() && volume.group(1).contains("\"" + env.get("SUMMARIZER_MODEL") + "\""), "the model folder is a volume");
        Matcher expose = Pattern.compile("\\nEXPOSE (\\d+)").matcher(dockerfile);
        assertTrue(expose.find());
        assertEquals(env.get("SUMMARIZER_PORT"), expose.group(1));
        Matcher health = Pattern.compile("\\nHEALTHCHECK [^\\n]*\\\\\\n\\s*CMD ([^\\n]*)").matcher(dockerfile);
        assertTrue(health.find(), "a HEALTHCHECK");
        assertTrue(health.group(1).contains("GET /healthz") && health.group(1).contains("${SUMMARIZER_PORT}"), health.group(1));
        Matcher entry = Pattern.compile("\\nENTRYPOINT \\[([^]]*)]", Pattern.DOTALL).matcher(dockerfile);
        assertTrue(entry.find());
        assertTrue(entry.group(1).replaceAll("\\\\\\n\\s*", "").endsWith("\"dev.summarizer.cli.Main\", \"serve\""), entry.group(1));
        assertTrue(dockerfile.lines().anyMatch(l -> l.startsWith("FROM ") && l.contains("jre")), "a JRE base to run on");
    }

    @Test
    void theManifestsCarryWhatTheServerNeeds() throws Exception {
        Map<String, Object> deployment = yaml("deployment.yaml");
        Map<String, Object> pod = at(deployment, "spec", "template", "spec");
        Map<String, Object> container = at(pod, "containers", "0");
        List<Map<String, Object>> ports = at(container, "ports");
        Map<String, Object> http = ports.get(0);
        int containerPort = (Integer) http.get("containerPort");

        Map<String, String> env = dockerfileEnvironment(Files.readString(ROOT.resolve("Dockerfile")));
        List<Map<String, Object>> containerEnv = at(container, "env");
        containerEnv.forEach(e -> env.put((String) e.get("name"), String.valueOf(e.get("value"))));

        // Every variable is an option of serve, and the server reads them into the settings meant.
        Options serve = new ServeCommand().options();
        List<String> known = new ArrayList<>();
        serve.names().forEach(n -> known.add(serve.environmentVariable(n)));
        env.keySet().stream().filter(k -> k.startsWith(ServeCommand.ENVIRONMENT_PREFIX))
                .forEach(k -> assertTrue(known.contains(k), k + " is not an option of serve"));
        ServerConfig config = ServeCommand.config(serve.parse("serve", new String[0], env));
        assertEquals(containerPort, config.port());
        assertEquals("0.0.0.0", config.host(), "the container listens beyond loopback");
        assertEquals(Batching.CONTINUOUS, config.batching());
        Map<String, Object> mount = ((List<Map<String, Object>>) at(container, "volumeMounts")).stream()
                .filter(m -> "model".equals(m.get("name"))).findFirst().orElseThrow();
        assertEquals(config.model().toString(), mount.get("mountPath"));

        // Probes on the served paths and port; a pod is killed only after preStop and the drain.
        assertEquals("/healthz", at(container, "livenessProbe", "httpGet", "path"));
        assertEquals("/readyz", at(container, "readinessProbe", "httpGet", "path"));
        assertEquals("/healthz", at(container, "startupProbe", "httpGet", "path"));
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertEquals(http.get("name"), (Object) at(container, probe, "httpGet", "port"), probe);
        }
        List<String> preStop = at(container, "lifecycle", "preStop", "exec", "command");
        assertEquals("sleep", preStop.get(0));
        long graceMillis = 1000L * (Integer) pod.get("terminationGracePeriodSeconds");
        assertTrue(graceMillis >= 1000L * Integer.parseInt(preStop.get(1)) + config.shutdownTimeoutMillis() + 5000,
                "the grace period (" + graceMillis + " ms) must outlast preStop and a " + config.shutdownTimeoutMillis() + " ms drain");
        Map<String, Object> requests = at(container, "resources", "requests");
        assertTrue(requests.containsKey("cpu") && requests.containsKey("memory"), "resource requests");
        assertTrue(config.threads() <= Integer.parseInt(String.valueOf(requests.get("cpu"))), "no more threads than requested cores");
        assertEquals(Boolean.TRUE, at(pod, "securityContext", "runAsNonRoot"));

        // The Service reaches the pods' port; the autoscaler scales this Deployment on CPU.
        Map<String, Object> service = yaml("service.yaml");
        assertEquals((Object) at(deployment, "spec", "template", "metadata", "labels"), at(service, "spec", "selector"));
        assertEquals(http.get("name"), (Object) at(service, "spec", "ports", "0", "targetPort"));
        Map<String, Object> hpa = yaml("hpa.yaml");
        assertEquals("Deployment", at(hpa, "spec", "scaleTargetRef", "kind"));
        assertEquals((Object) at(deployment, "metadata", "name"), at(hpa, "spec", "scaleTargetRef", "name"));
        assertEquals("cpu", at(hpa, "spec", "metrics", "0", "resource", "name"));
        List<String> listed = at(yaml("kustomization.yaml"), "resources");
        assertEquals(List.of("deployment.yaml", "service.yaml", "hpa.yaml"), listed);

        // The probed paths answer 200 on a server started from those settings.
        Path model = dir.resolve("model");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", model.toString(), "--seed", "4").status());
        assertEquals(0, Cli.run("export", "--model", model.toString()).status());
        Map<String, String> local = new LinkedHashMap<>(env);
        local.put("SUMMARIZER_MODEL", model.toString());
        local.put("SUMMARIZER_PORT", "0");
        local.put("SUMMARIZER_HOST", "127.0.0.1");
        ServerConfig running = ServeCommand.config(serve.parse("serve", new String[0], local));
        try (Summarizer summarizer = Summarizer.open(ModelFolder.open(model), Device.CPU, 1, OnnxSeq2SeqModel.DecoderMode.SEPARATE);
                SummarizationServer server = SummarizationServer.start(running, summarizer)) {
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                String path = at(container, probe, "httpGet", "path");
                assertEquals(200, ServerTest.get(server, path).statusCode(), probe + " " + path);
            }
        }
    }

    @Test
    void aVariableIsAnOptionAndItsErrorsNameIt() {
        Options serve = new ServeCommand().options();
        assertEquals("SUMMARIZER_MAX_BATCH_SIZE", serve.environmentVariable("max-batch-size"));
        var parsed = serve.parse("serve", new String[] {"--max-batch-size", "4"},
                Map.of("SUMMARIZER_MAX_BATCH_SIZE", "16", "SUMMARIZER_QUEUE_SIZE", "0", "SUMMARIZER_MODEL", "/m"));
        assertEquals(4, parsed.intValue("max-batch-size", 1, 64), "the command line wins");
        assertEquals("/m", parsed.string("model"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.summarizer.cli.UsageException.class,
                () -> ServeCommand.config(parsed));
        assertEquals("SUMMARIZER_QUEUE_SIZE (--queue-size): must be between 1 and 1000000, got 0", e.getMessage());
    }
}
