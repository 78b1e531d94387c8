package dev.summarizer.training.commands;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.cli.Command;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.training.rouge.RougeMeans;
import dev.summarizer.training.rouge.RougeScorer;
import dev.summarizer.training.rouge.RougeScores;
import dev.summarizer.training.rouge.Score;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code rouge}: mean ROUGE F-measures of predictions against references, as rouge_score computes them. */
public final class RougeCommand implements Command {
    private static final ObjectMapper JSON = Json.MAPPER;

    @Override
    public String name() {
        return "rouge";
    }

    @Override
    public String summary() {
        return "score predictions against references: mean ROUGE-1/2/L/Lsum F-measures as JSON";
    }

    @Override
    public Options options() {
        return new Options()
                .option("input", "F.jsonl", "rows {\"prediction\": \"...\", \"reference\": \"...\"}; the reference may be "
                        + "a list of strings, and the best-matching one counts (rouge_score's score_multi)")
                .option("output", "FILE", "also write the JSON object to FILE")
                .option("scores", "F.jsonl", "write each row's precision, recall and F-measure to F.jsonl")
                .option("split-sentences", "true|false", "put one sentence per line before ROUGE-Lsum, as the "
                        + "Hugging Face summarization examples do; false keeps the text's own lines", "true")
                .option("use-stemmer", "true|false", "Porter-stem words longer than 3 letters (rouge_score's use_stemmer)",
                        "true")
                .note("Prints {\"rouge1\": ..., \"rouge2\": ..., \"rougeL\": ..., \"rougeLsum\": ...}: the mean F-measure "
                        + "of each type over the rows, in [0, 1].\n"
                        + "example: summarizer rouge --input predictions.jsonl --output rouge.json");
    }

    @Override
    public int run(ParsedArgs args) throws Exception {
        Path input = args.requiredPath("input");
        Path output = args.path("output");
        Path scoresFile = args.path("scores");
        RougeScorer scorer = new RougeScorer(args.bool("use-stemmer"), args.bool("split-sentences"));

        List<PredictionReferenceFile.Row> rows = PredictionReferenceFile.read(input);
        List<RougeScores> scores = new ArrayList<>(rows.size());
        for (PredictionReferenceFile.Row row : rows) {
            scores.add(scorer.scoreMulti(row.references(), row.prediction()));
        }
        if (scoresFile != null) {
            writeScores(scoresFile, rows, scores);
        }
        String means = JSON.writeValueAsString(RougeMeans.of(scores).byName());
        if (output != null) {
            Files.writeString(output, means + "\n", StandardCharsets.UTF_8);
        }
        System.out.println(means);
        return 0;
    }

    private static void writeScores(Path file, List<PredictionReferenceFile.Row> rows, List<RougeScores> scores)
            throws java.io.IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < rows.size(); i++) {
                ObjectNode row = JSON.createObjectNode().put("line", rows.get(i).line());
                for (Map.Entry<String, Score> e : scores.get(i).byName().entrySet()) {
                    row.putObject(e.getKey())
                            .put("precision", e.getValue().precision())
                            .put("recall", e.getValue().recall())
                            .put("fmeasure", e.getValue().fmeasure());
                }
                out.write(JSON.writeValueAsString(row));
                out.newLine();
            }
        }
    }
}
