package dev.summarizer.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.Safetensors;
import dev.summarizer.model.FloatTensor;
import dev.summarizer.testing.Cli;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitExportCommandTest {
    @TempDir
    Path dir;

    @Test
    void initThenExportWritesACompleteFolderWithTheFourOnnxFiles() throws Exception {
        Path model = dir.resolve("m");
        Cli.Result init = Cli.run("init", "--config", "tiny", "--out", model.toString(), "--seed", "3");
        assertEquals(0, init.status(), init.err());
        for (String f : List.of("config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                "tokenizer_config.json", "special_tokens_map.json")) {
            assertTrue(Files.isRegularFile(model.resolve(f)), f);
        }
        assertEquals(2, ModelFolder.open(model).readWeights().config().numDecoderLayers());

        Cli.Result export = Cli.run("export", "--model", model.toString());
        assertEquals(0, export.status(), export.err());
        for (String f : List.of("encoder_model.onnx", "decoder_model.onnx", "decoder_with_past_model.onnx",
                "decoder_model_merged.onnx")) {
            assertTrue(Files.size(model.resolve("onnx").resolve(f)) > 1_000_000, f);
        }
        assertNoLeftovers(dir);
    }

    @Test
    void exportToAnotherFolderCopiesTheModelFolder() throws Exception {
        Path out = dir.resolve("exported");
        Cli.Result r = Cli.run("export", "--model", Fixtures.fixture("gated-untied").toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.exists(out.resolve("onnx/decoder_model_merged.onnx")));
        assertTrue(Files.exists(out.resolve("generation_config.json")), "added when missing");
        assertEquals(ModelFolder.open(Fixtures.fixture("gated-untied")).readWeights().tensors().keySet(),
                ModelFolder.open(out).readWeights().tensors().keySet());
    }

    @Test
    void helpForEveryCommandAndTheOverview() {
        Cli.Result overview = Cli.run("--help");
        assertEquals(0, overview.status());
        assertTrue(overview.out().contains("init") && overview.out().contains("export"), overview.out());
        for (String command : List.of("init", "export")) {
            Cli.Result help = Cli.run(command, "--help");
            assertEquals(0, help.status());
            assertTrue(help.out().startsWith("usage: summarizer " + command), help.out());
        }
    }

    @Test
    void badFlagsAndMissingFilesAreOneLineAndNonZero() {
        assertOneLineError(Cli.run("init", "--config", "tiny"), 2, "summarizer init: --out is required");
        assertOneLineError(Cli.run("init", "--confg", "tiny"), 2, "summarizer init: unknown option --confg (see summarizer init --help)");
        assertOneLineError(Cli.run("init", "--config", "tiny", "--out", dir.resolve("x").toString(), "--seed", "abc"), 2,
                "summarizer init: --seed: expected an integer, got \"abc\"");
        Path missing = dir.resolve("nope.json");
        assertOneLineError(Cli.run("init", "--config", missing.toString(), "--out", dir.resolve("x").toString()), 1,
                "summarizer init: " + missing + ": file not found");
        assertOneLineError(Cli.run("export", "--model", dir.resolve("nothing").toString()), 1,
                "summarizer export: " + dir.resolve("nothing") + ": model folder not found");
        assertOneLineError(Cli.run("frobnicate"), 2, null);
    }

    @Test
    void initRefusesToOverwriteAFolder() throws Exception {
        Path existing = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(existing.resolve("notes.txt"), "mine");
        assertOneLineError(Cli.run("init", "--config", "tiny", "--out", existing.toString()), 1,
                "summarizer init: " + existing + " already exists (pass --overwrite to replace it)");
        assertEquals("mine", Files.readString(existing.resolve("notes.txt")));
    }

    @Test
    void aMalformedModelFolderLeavesNothingHalfWritten() throws Exception {
        Path model = dir.resolve("broken");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", model.toString()).status());
        Map<String, FloatTensor> tensors = new LinkedHashMap<>(Safetensors.read(model.resolve("model.safetensors")));
        tensors.remove("encoder.final_layer_norm.weight");
        Safetensors.write(model.resolve("model.safetensors"), tensors);

        assertOneLineError(Cli.run("export", "--model", model.toString()), 1, "summarizer export: "
                + model.resolve("model.safetensors") + ": missing tensor encoder.final_layer_norm.weight of shape [64]");
        assertFalse(Files.exists(model.resolve("onnx")));

        Files.writeString(model.resolve("config.json"), "{\"model_type\": \"t5\", \"d_model\": 64,");
        Path out = dir.resolve("out");
        Cli.Result r = Cli.run("export", "--model", model.toString(), "--out", out.toString());
        assertOneLineError(r, 1, null);
        assertTrue(r.err().contains(model.resolve("config.json") + ": not valid JSON"), r.err());
        assertFalse(Files.exists(out));
        assertNoLeftovers(dir);
    }

    @Test
    void aFailedReExportKeepsThePreviousOnnxFiles() throws Exception {
        Path model = dir.resolve("m");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", model.toString()).status());
        assertEquals(0, Cli.run("export", "--model", model.toString()).status());
        long before = Files.size(model.resolve("onnx/encoder_model.onnx"));
        Files.writeString(model.resolve("model.safetensors"), "truncated");
        assertEquals(1, Cli.run("export", "--model", model.toString()).status());
        assertEquals(before, Files.size(model.resolve("onnx/encoder_model.onnx")));
        assertNoLeftovers(dir);
    }

    private static void assertOneLineError(Cli.Result r, int status, String message) {
        assertEquals(status, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        if (message != null) {
            assertEquals(message, r.err().strip());
        }
    }

    /** No staging folders (".name.tmp-...") left anywhere under {@code root}. */
    private static void assertNoLeftovers(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> temps = files.filter(p -> p.getFileName().toString().contains(".tmp-")
                    || p.getFileName().toString().contains(".old-")).toList();
            assertTrue(temps.isEmpty(), "left behind: " + temps);
        }
    }
}
