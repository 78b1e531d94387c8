package dev.summarizer.spark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.summarizer.Json;
import dev.summarizer.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The first SAMSum validation dialogues of ../shared as (id, dialogue) rows; skips the test without ../shared. */
final class SamsumRows {
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("dialogue", DataTypes.StringType, true);

    record Dialogue(String id, String text) {}

    private SamsumRows() {}

    static List<Dialogue> first(int count) {
        List<Dialogue> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Fixtures.shared("data/samsum/validation.jsonl"))) {
                if (out.size() == count) {
                    break;
                }
                JsonNode row = Json.MAPPER.readTree(line);
                if (!row.get("dialogue").asText().isBlank()) {
                    out.add(new Dialogue(row.get("id").asText(), row.get("dialogue").asText()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static Dataset<Row> frame(List<Dialogue> dialogues) {
        List<Row> rows = new ArrayList<>();
        for (Dialogue d : dialogues) {
            rows.add(RowFactory.create(d.id(), d.text()));
        }
        return SharedSpark.session().createDataFrame(rows, SCHEMA);
    }
}
