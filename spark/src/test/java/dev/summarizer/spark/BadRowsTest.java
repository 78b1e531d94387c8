package dev.summarizer.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.summarizer.generate.GenerationOverrides;
import dev.summarizer.generate.InvalidSettingException;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.generate.Summary;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.ModelFormatException;
import dev.summarizer.runtime.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What cannot be summarized: bad rows become rows with an error, a bad model or column stops the job before it runs. */
class BadRowsTest {
    private static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("text", DataTypes.StringType, true);
    private static final GenerationOverrides SHORT = new GenerationOverrides(6, null, null, null, null, null, null, null);

    @TempDir
    Path dir;

    @Test
    void badRowsCarryTheirErrorAndTheJobGoesOn() throws Exception {
        Map<Integer, String> texts = new TreeMap<>();
        texts.put(1, "Amanda: I baked cookies. Do you want some?\nJerry: Sure!");
        texts.put(2, "");
        texts.put(3, " \n\t ");
        texts.put(4, null);
        texts.put(5, "Tom: see you at\u0000noon");
        texts.put(6, "\u001b[31mred\u001b[0m");
        texts.put(7, "Hannah: Hey, do you have Betty's number?\nAmanda: Lemme check");
        texts.put(8, "broken \ud800 surrogate");
        List<Row> rows = new ArrayList<>();
        texts.forEach((id, text) -> rows.add(RowFactory.create(id, text)));
        Dataset<Row> input = SharedSpark.session().createDataFrame(rows, SCHEMA).repartition(2);

        SummarizationMetrics metrics = SummarizationMetrics.register(SharedSpark.session().sparkContext());
        Map<Integer, Row> out = new TreeMap<>();
        for (Row row : Summarization.summarize(input, "text", "summary",
                SummarizationOptions.forModel(TestModels.tiny().toString()).withGeneration(SHORT).withBatchSize(3),
                metrics).collectAsList()) {
            out.put(row.getAs("id"), row);
        }
        assertEquals(texts.keySet(), out.keySet());
        assertError("text is empty", out.get(2));
        assertError("text is empty", out.get(3));
        assertError("text is empty", out.get(4));
        assertError("text contains the control character U+0000 at character 15", out.get(5));
        assertError("text contains the control character U+001B at character 0", out.get(6));
        // Spark keeps strings as UTF-8: an unpaired surrogate arrives as "?", which is text.
        assertNull(out.get(8).getAs("error"));
        assertEquals(5, metrics.errors());
        assertEquals(8, metrics.rows());

        try (Summarizer summarizer = Summarizer.open(ModelFolder.open(TestModels.tiny()), Device.CPU)) {
            for (int id : new int[] {1, 7}) {
                Summary want = summarizer.summarize(List.of(texts.get(id)), SHORT.applyTo(summarizer.defaults())).get(0);
                assertArrayEquals(want.tokenIds(), SummarizationParityTest.tokenIds(out.get(id)), "row " + id);
                assertEquals(want.text(), out.get(id).getAs("summary"));
                assertNull(out.get(id).getAs("error"));
            }
        }
    }

    private static void assertError(String message, Row row) {
        assertEquals(message, row.getAs("error"));
        assertNull(row.getAs("summary"));
        assertNull(row.getAs("token_ids"));
        assertNull(row.getAs("input_tokens"));
        assertNull(row.getAs("truncated"));
    }

    @Test
    void aMissingModelFolderFailsAtOnceInOneLine() throws Exception {
        Dataset<Row> input = SharedSpark.session().createDataFrame(List.of(RowFactory.create(1, "hello")), SCHEMA);
        String missing = dir.resolve("nope").toString();
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Summarization.summarize(input, "text",
                "summary", SummarizationOptions.forModel(missing)));
        assertEquals(missing + ": model folder not found", e.getMessage());

        ModelFormatException uri = assertThrows(ModelFormatException.class, () -> Summarization.summarize(input, "text",
                "summary", SummarizationOptions.forModel("file://" + missing)));
        assertEquals("file://" + missing + ": model folder not found", uri.getMessage());

        // A folder that was never exported: the first ONNX file it lacks.
        Path unexported = Files.createDirectories(dir.resolve("unexported"));
        Files.copy(TestModels.tiny().resolve("config.json"), unexported.resolve("config.json"));
        Files.copy(TestModels.tiny().resolve("tokenizer.json"), unexported.resolve("tokenizer.json"));
        ModelFormatException noOnnx = assertThrows(ModelFormatException.class, () -> Summarization.summarize(input,
                "text", "summary", SummarizationOptions.forModel(unexported.toString())));
        assertEquals(unexported.resolve("onnx/encoder_model.onnx") + ": file not found (run summarizer export first)",
                noOnnx.getMessage());
    }

    @Test
    void columnsAndSettingsAreCheckedBeforeTheJob() {
        Dataset<Row> input = SharedSpark.session().createDataFrame(List.of(RowFactory.create(1, "hello")), SCHEMA);
        SummarizationOptions options = SummarizationOptions.forModel(TestModels.tiny().toString());
        assertEquals("the input has no column \"dialogue\" (columns: id, text)", assertThrows(ColumnException.class,
                () -> Summarization.summarize(input, "dialogue", "summary", options)).getMessage());
        assertEquals("column \"id\" holds int, not text", assertThrows(ColumnException.class,
                () -> Summarization.summarize(input, "id", "summary", options)).getMessage());
        assertTrue(assertThrows(ColumnException.class, () -> Summarization.summarize(input, "text", "id", options))
                .getMessage().startsWith("the input already has a column \"id\""));
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> Summarization.summarize(input,
                "text", "summary", options.withGeneration(new GenerationOverrides(3, 9, null, null, null, null, null, null))));
        assertEquals("min_new_tokens", e.setting());
    }
}
