package dev.summarizer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sharded weights, against a folder transformers wrote sharded (scripts/reference/sharded_fixtures.py). */
class WeightFilesTest {
    private static final Path SHARDED = Fixtures.fixture("sharded-bf16");

    @TempDir
    Path dir;

    @Test
    void aShardedBfloat16FolderReadsAsItsWeightsInFloat32() {
        ModelFolder folder = ModelFolder.open(SHARDED);
        T5Weights weights = folder.readWeights();
        assertEquals(3, folder.weightFiles().files().size());
        // bfloat16 is the upper half of a float32: every value read back must have its lower 16 bits zero.
        for (FloatTensor t : weights.tensors().values()) {
            for (float v : t.data()) {
                assertEquals(0, Float.floatToRawIntBits(v) & 0xffff);
            }
        }
        assertEquals(weights.layout().specs().size(), weights.tensors().size());
    }

    @Test
    void weightsPastTheShardSizeAreSplitAsHuggingFaceSplitsThem() throws Exception {
        T5Weights weights = ModelFolder.open(SHARDED).readWeights();
        // float32 doubles the size: transformers put the same model's float32 weights in these shards at 40 kB.
        WeightFiles.write(dir, weights.tensors(), 40_000);
        JsonNode ours = Fixtures.json(dir.resolve(WeightFiles.INDEX));
        JsonNode theirs = Fixtures.json(SHARDED.resolve("float32-shard-index.json"));
        assertEquals(theirs.get("weight_map"), ours.get("weight_map"));
        assertEquals(theirs.get("metadata"), ours.get("metadata"));
        Map<String, FloatTensor> back = WeightFiles.in(dir).read();
        for (var e : weights.tensors().entrySet()) {
            assertArrayEquals(e.getValue().data(), back.get(e.getKey()).data(), e.getKey());
        }
    }

    @Test
    void anIndexThatNamesAMissingShardOrAPathIsOneLine() throws Exception {
        Files.writeString(dir.resolve(WeightFiles.INDEX), "{\"weight_map\": {\"shared.weight\": \"model-00009-of-00009.safetensors\"}}");
        var e = assertThrows(ModelFormatException.class, () -> WeightFiles.in(dir));
        assertEquals(dir.resolve("model-00009-of-00009.safetensors") + ": file not found (named by " + WeightFiles.INDEX + ")",
                e.getMessage());
        Files.writeString(dir.resolve(WeightFiles.INDEX), "{\"weight_map\": {\"shared.weight\": \"../../etc/passwd\"}}");
        e = assertThrows(ModelFormatException.class, () -> WeightFiles.in(dir));
        assertEquals(dir.resolve(WeightFiles.INDEX) + ": weight_map names \"../../etc/passwd\", not a file beside it",
                e.getMessage());
    }

    @Test
    void sizesAreReadAsTransformersWritesThem() {
        assertEquals(5_000_000_000L, WeightFiles.parseSize("5GB"));
        assertEquals(40_000L, WeightFiles.parseSize("40kB"));
        assertEquals(2L << 30, WeightFiles.parseSize("2GiB"));
        assertEquals(123L, WeightFiles.parseSize("123"));
        assertEquals(null, WeightFiles.parseSize("five"));
    }
}
