package dev.summarizer.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.Json;
import dev.summarizer.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export --quantize, --dtype and --prompt-lookup-num-tokens on the command line, with their bad input. */
class QuantizedFilesCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static final String TEXT = "Amanda: I baked cookies. Do you want some?\nJerry: Sure! Amanda: I'll bring you some cookies.";

    @BeforeAll
    static void exportTinyModelWithEightBitFiles() {
        model = dir.resolve("tiny");
        assertEquals(0, Cli.run("init", "--config", "tiny", "--out", model.toString(), "--seed", "3").status());
        Cli.Result r = Cli.run("export", "--model", model.toString(), "--quantize", "q8");
        assertEquals(0, r.status(), r.err());
    }

    private static List<String> onnxFiles(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder.resolve("onnx"))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static Cli.Result summarize(String... flags) {
        String[] args = Stream.concat(Stream.of("summarize", "--model", model.toString(), "--json", "--max-new-tokens", "16"),
                Stream.concat(Stream.of(flags), Stream.of(TEXT))).toArray(String[]::new);
        return Cli.run(args);
    }

    private static JsonNode ids(Cli.Result r) throws Exception {
        assertEquals(0, r.status(), r.err());
        return Json.MAPPER.readTree(r.out()).get("token_ids");
    }

    @Test
    void eightBitFilesLieBesideTheFloatOnesUnderTransformersJsNames() throws Exception {
        assertEquals(List.of("decoder_model.onnx", "decoder_model_merged.onnx", "decoder_model_merged_quantized.onnx",
                "decoder_model_quantized.onnx", "decoder_with_past_model.onnx", "decoder_with_past_model_quantized.onnx",
                "encoder_model.onnx", "encoder_model_quantized.onnx"), onnxFiles(model));
    }

    @Test
    void summarizeRunsOnTheDtypeAskedFor() throws Exception {
        assertTrue(ids(summarize("--dtype", "q8")).size() >= 1);
        assertTrue(ids(summarize("--dtype", "q8", "--decoder", "merged")).size() >= 1);
        assertEquals(ids(summarize("--dtype", "q8")), ids(summarize("--dtype", "q8", "--decoder", "merged")));
    }

    @Test
    void aDtypeWithoutFilesSaysHowToMakeThem() {
        Cli.Result r = summarize("--dtype", "q4");
        assertEquals(1, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("no q4 files (encoder_model_q4.onnx); make them with: summarizer export --model "
                + model + " --quantize q4"), r.err());
        Cli.Result unknown = summarize("--dtype", "int8");
        assertEquals(2, unknown.status());
        assertEquals("summarizer summarize: --dtype: expected fp32, q8 or q4, got \"int8\"", unknown.err().strip());
    }

    @Test
    void badQuantizeFlagsAreOneLineAndWriteNothing() throws Exception {
        List<String> before = onnxFiles(model);
        Cli.Result unknown = Cli.run("export", "--model", model.toString(), "--quantize", "q8,q3");
        assertEquals(2, unknown.status());
        assertEquals("summarizer export: --quantize: expected q8, q4 or q8,q4, got \"q8,q3\"", unknown.err().strip());
        Cli.Result block = Cli.run("export", "--model", model.toString(), "--quantize", "q4", "--quantize-block-size", "48");
        assertEquals(2, block.status());
        assertEquals("summarizer export: --quantize-block-size: must be a power of two from 16 to 256, got 48",
                block.err().strip());
        assertEquals(before, onnxFiles(model));
    }

    @Test
    void promptLookupGivesTheSameIdsAndRefusesBeams() throws Exception {
        assertEquals(ids(summarize("--num-beams", "1")), ids(summarize("--num-beams", "1", "--prompt-lookup-num-tokens", "4")));
        Cli.Result beams = summarize("--num-beams", "3", "--prompt-lookup-num-tokens", "4");
        assertEquals(2, beams.status());
        assertEquals("summarizer summarize: --prompt-lookup-num-tokens needs greedy search (--num-beams 1), got --num-beams 3",
                beams.err().strip());
    }

    @Test
    void anExportIntoAnotherFolderCarriesTheQuantizedFilesAskedFor() throws Exception {
        Path out = dir.resolve("q4-copy");
        Cli.Result r = Cli.run("export", "--model", model.toString(), "--out", out.toString(), "--quantize", "q4",
                "--quantize-block-size", "16");
        assertEquals(0, r.status(), r.err());
        List<String> files = onnxFiles(out);
        assertTrue(files.contains("decoder_with_past_model_q4.onnx"), files.toString());
        assertFalse(files.contains("encoder_model_quantized.onnx"), files.toString());
        assertEquals(8, files.size(), files.toString());
        Cli.Result q4 = Cli.run("summarize", "--model", out.toString(), "--dtype", "q4", "--json", "--max-new-tokens", "8", TEXT);
        assertEquals(0, q4.status(), q4.err());
    }
}
