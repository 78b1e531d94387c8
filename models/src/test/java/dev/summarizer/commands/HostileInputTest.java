package dev.summarizer.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.testing.Cli;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model folders a careless or hostile user may hand the commands, one per test, and what must happen: one line that
 * names the file and the field, a non-zero exit, and no long computation or big allocation before it.
 */
class HostileInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The relu-tied reference folder with one config.json field replaced. */
    private Path withConfig(String field, Object value) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(field + "-" + value));
        Path reference = Fixtures.referenceModel("relu-tied");
        Files.copy(reference.resolve("model.safetensors"), folder.resolve("model.safetensors"));
        ObjectNode config = (ObjectNode) JSON.readTree(reference.resolve("config.json").toFile());
        if (value instanceof Long l) {
            config.put(field, l);
        } else {
            config.put(field, ((Number) value).doubleValue());
        }
        Files.writeString(folder.resolve("config.json"), config.toString());
        return folder;
    }

    private static void assertOneLine(Cli.Result r, String expected) {
        assertEquals(1, r.status(), r.err());
        assertEquals(expected, r.err().strip());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void absurdSizesInConfigJsonAreOneLineNamingTheField() throws Exception {
        for (Object[] c : List.of(
                new Object[] {"d_model", 1e9, "field d_model must be a positive integer, got 1.0E9"},
                new Object[] {"d_model", 1_000_000_000L, "field d_model is 1000000000, more than any T5 has (at most 65536)"},
                new Object[] {"vocab_size", (long) Integer.MAX_VALUE,
                    "field vocab_size is 2147483647, more than any T5 has (at most 4194304)"},
                new Object[] {"num_layers", 1_000_000L, "field num_layers is 1000000, more than any T5 has (at most 1024)"},
                new Object[] {"d_ff", 1_048_576L, ""})) {
            Path folder = withConfig((String) c[0], c[1]);
            String where = folder.resolve("config.json") + ": " + c[2];
            if (c[0].equals("d_ff")) {
                // 32 x 2^20 fits one tensor; what does not fit is the file, whose feed-forward matrices are 64 x 32
                where = folder.resolve("model.safetensors") + ": tensor decoder.block.0.layer.2.DenseReluDense.wi.weight has "
                        + "shape [64, 32] but config.json implies [1048576, 32]";
            }
            assertOneLine(Cli.run("export", "--model", folder.toString(), "--out", dir.resolve("out").toString()),
                    "summarizer export: " + where);
            if (!c[0].equals("d_ff")) { // summarize reads config.json, not the weights
                assertOneLine(Cli.run("summarize", "--model", folder.toString(), "Anna: hi"), "summarizer summarize: " + where);
            }
        }
    }

    @Test
    void aWeightMatrixTooLargeForOneTensorIsNamedByItsFields() {
        String config = "{\"model_type\": \"t5\", \"d_model\": 4096, \"d_kv\": 64, \"num_heads\": 64, \"num_layers\": 1,"
                + " \"d_ff\": 1048576, \"vocab_size\": 32128}";
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.summarizer.model.ModelFormatException.class,
                () -> dev.summarizer.model.T5Config.parse(config, "config.json"));
        assertEquals("config.json: d_model x d_ff = 4294967296 values, more than one weight tensor can hold", e.getMessage());
    }

    @Test
    void aConfigThatDoesNotFitTheWeightsFailsFromTheHeaderAlone() throws Exception {
        Path folder = withConfig("num_layers", 1000L);
        assertOneLine(Cli.run("export", "--model", folder.toString(), "--out", dir.resolve("out").toString()),
                "summarizer export: " + folder.resolve("model.safetensors")
                        + ": missing tensor encoder.block.2.layer.0.SelfAttention.q.weight of shape [32, 32]");
    }
}
