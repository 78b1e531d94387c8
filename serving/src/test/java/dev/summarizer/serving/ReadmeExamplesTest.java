package dev.summarizer.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.runtime.Device;
import dev.summarizer.testing.Cli;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every curl example of the README, run as written (but for the port) against a server whose model asks for beams
 * by default, as the t5-small preset's task settings do: what a reader copies must work.
 */
class ReadmeExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The README's {@code curl} commands, continuation lines joined. */
    static List<String> curlExamples() throws Exception {
        List<String> commands = new ArrayList<>();
        List<String> lines = Files.readAllLines(Fixtures.root().resolve("README.md"));
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("    curl ")) {
                continue;
            }
            StringBuilder command = new StringBuilder();
            String line = lines.get(i).strip();
            while (line.endsWith("\\")) {
                command.append(line, 0, line.length() - 1).append(' ');
                line = lines.get(++i).strip();
            }
            commands.add(command.append(line).toString());
        }
        return commands;
    }

    @Test
    void everyCurlExampleOfTheReadmeWorksAsWritten() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v curl").start().waitFor() == 0, "no curl: README examples skipped");
        List<String> examples = curlExamples();
        assertTrue(examples.size() >= 3, "found " + examples);

        Path model = dir.resolve("tiny");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", model.toString(), "--seed", "8").status());
        ObjectNode config = (ObjectNode) JSON.readTree(model.resolve("config.json").toFile());
        config.withObjectProperty("task_specific_params").withObjectProperty("summarization").put("num_beams", 4)
                .put("max_length", 20);
        Files.writeString(model.resolve("config.json"), config.toString());
        assertEquals(0, Cli.run("export", "--model", model.toString()).status());
        try (Summarizer summarizer = Summarizer.open(ModelFolder.open(model), Device.CPU, 1, OnnxSeq2SeqModel.DecoderMode.SEPARATE);
                SummarizationServer server = SummarizationServer.start(new ServerConfig(model, "127.0.0.1", 0, Device.CPU, 1,
                        OnnxSeq2SeqModel.DecoderMode.SEPARATE, 8, 10, 64, 60_000, 1 << 20, 512, false, 32, 32_768, 512, 8, null,
                        List.of(), 10_000), summarizer)) {
            for (String example : examples) {
                String command = example.replace("localhost:8080", "127.0.0.1:" + server.port());
                Process curl = new ProcessBuilder("sh", "-c", command + " --fail-with-body").redirectErrorStream(true).start();
                String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertEquals(0, curl.waitFor(), example + "\n" + out);
                if (command.contains("/stream")) {
                    assertTrue(out.contains("event: done"), example + "\n" + out);
                    assertFalse(out.contains("event: error"), example + "\n" + out);
                } else {
                    JsonNode answer = JSON.readTree(out);
                    assertFalse(answer.has("error"), example + "\n" + out);
                }
            }
        }
    }
}
