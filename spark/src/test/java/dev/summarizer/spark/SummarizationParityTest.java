package dev.summarizer.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.generate.EarlyStopping;
import dev.summarizer.generate.GenerationOverrides;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.OnnxSeq2SeqModel.DecoderMode;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.Summary;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.runtime.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The Spark job gives every row what one machine gives it: 300 SAMSum dialogues through a reference model (the real
 * T5 tokenizer), against {@code Summarizer.summarize} in file order in batches of 8 (what {@code summarize --input}
 * does), on 1, 3 and 7 partitions dealt out round-robin (so every batch inside Spark holds other rows), greedy and
 * with beams.
 */
class SummarizationParityTest {
    private static final int ROWS = 300;

    @Test
    void greedySummariesAndIdsEqualOneMachinesWhateverThePartitioning() throws Exception {
        // Sources cut to 96 tokens, so the longer dialogues are truncated and say so.
        GenerationOverrides greedy = new GenerationOverrides(10, null, 1, null, null, null, "summarize: ", 96);
        assertSameAsOneMachine(greedy, DecoderMode.SEPARATE, ROWS, 1, 3, 7);
    }

    @Test
    void beamSearchEqualsOneMachinesWhateverThePartitioning() throws Exception {
        GenerationOverrides beams = new GenerationOverrides(8, 2, 3, 0.8, EarlyStopping.TRUE, 2, "summarize: ", 64);
        assertSameAsOneMachine(beams, DecoderMode.MERGED, 120, 1, 3, 7);
    }

    private static void assertSameAsOneMachine(GenerationOverrides overrides, DecoderMode decoder, int count,
            int... partitionings) throws Exception {
        Path model = TestModels.shared("ref-relu-tied");
        List<SamsumRows.Dialogue> dialogues = SamsumRows.first(count);
        Map<String, Summary> expected = oneMachine(model, overrides, decoder, dialogues);
        assertTrue(expected.values().stream().anyMatch(Summary::truncated), "no input was long enough to be truncated");
        SummarizationOptions options = SummarizationOptions.forModel(model.toString()).withGeneration(overrides)
                .withDecoder(decoder).withBatchSize(8);
        int loads = 0;
        for (int partitions : partitionings) {
            Dataset<Row> input = SamsumRows.frame(dialogues).repartition(partitions);
            assertEquals(partitions, input.rdd().getNumPartitions());
            SummarizationMetrics metrics = SummarizationMetrics.register(SharedSpark.session().sparkContext());
            List<Row> rows = Summarization.summarize(input, "dialogue", "summary", options, metrics).collectAsList();
            assertEquals(dialogues.size(), rows.size());
            for (Row row : rows) {
                String id = row.getAs("id");
                Summary want = expected.get(id);
                String where = partitions + " partitions, row " + id;
                assertArrayEquals(want.tokenIds(), tokenIds(row), where);
                assertEquals(want.text(), row.getAs("summary"), where);
                assertEquals(want.inputTokens(), (int) row.getAs("input_tokens"), where);
                assertEquals(want.truncated(), row.getAs("truncated"), where);
                assertNull(row.getAs("error"), where);
                assertEquals(dialogues.stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow().text(),
                        row.getAs("dialogue"), where);
            }
            assertEquals(dialogues.size(), metrics.rows());
            assertEquals(0, metrics.errors());
            loads += metrics.modelLoadMillis().size();
        }
        // One JVM here (local mode): the model is loaded at most once, however many tasks ran on it, and never again.
        assertTrue(loads <= 1, "the model was loaded " + loads + " times");
    }

    /** What summarize --input gives: the texts in file order, in batches of 8. */
    private static Map<String, Summary> oneMachine(Path model, GenerationOverrides overrides, DecoderMode decoder,
            List<SamsumRows.Dialogue> dialogues) throws Exception {
        Map<String, Summary> out = new HashMap<>();
        try (Summarizer summarizer = Summarizer.open(ModelFolder.open(model), Device.CPU, 1, decoder)) {
            GenerationSettings settings = overrides.applyTo(summarizer.defaults());
            for (int start = 0; start < dialogues.size(); start += 8) {
                List<SamsumRows.Dialogue> batch = dialogues.subList(start, Math.min(dialogues.size(), start + 8));
                List<String> texts = new ArrayList<>();
                batch.forEach(d -> texts.add(d.text()));
                List<Summary> summaries = summarizer.summarize(texts, settings);
                for (int i = 0; i < batch.size(); i++) {
                    out.put(batch.get(i).id(), summaries.get(i));
                }
            }
        }
        return out;
    }

    static long[] tokenIds(Row row) {
        List<Long> ids = row.getList(row.fieldIndex("token_ids"));
        return ids.stream().mapToLong(Long::longValue).toArray();
    }
}
