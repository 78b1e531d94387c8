package dev.summarizer.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.johnsnowlabs.nlp.Annotation;
import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.SparkNLP;
import com.johnsnowlabs.nlp.annotators.seq2seq.T5Transformer;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * Spark NLP's {@code T5Transformer} on a folder laid out from our export, greedy, against our summarize output for
 * the same texts: the same number of input tokens (its SentencePiece model against our tokenizer.json, prefix and
 * EOS included), the same generated ids and the same text, row by row. Exit 0 when all agree, 1 otherwise.
 *
 * <pre>SparkNlpGreedy SPARKNLP_FOLDER ROWS.jsonl OURS.jsonl MAX_NEW_TOKENS</pre>
 *
 * The text comes from the annotator as users run it (DocumentAssembler, then T5Transformer with task "summarize:").
 * The annotator returns text only, so the ids come from the same loaded model's own SentencePiece encoding and
 * greedy loop (its {@code encode} and {@code tag}, reached by reflection: they are Scala-protected).
 */
public final class SparkNlpGreedy {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TASK = "summarize:";

    private SparkNlpGreedy() {}

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            if (!line.isBlank()) {
                texts.add(JSON.readTree(line).get("text").asText());
            }
        }
        List<JsonNode> ours = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[2]))) {
            if (!line.isBlank()) {
                ours.add(JSON.readTree(line));
            }
        }
        int maxNew = Integer.parseInt(args[3]);

        SparkSession spark = SparkSession.builder().master("local[1]").appName("sparknlp interop check")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.kryoserializer.buffer.max", "1000m")
                .getOrCreate();
        int differences = 0;
        try {
            T5Transformer t5 = T5Transformer.loadSavedModel(folder.toString(), spark);
            // Greedy, as generate() with do_sample=False: no sampling, penalties or banned n-grams; the output length
            // limit above the new-token limit so that only the latter applies.
            t5.setTask(TASK).setMaxNewTokens(maxNew).setMaxOutputLength(maxNew + 8).setDoSample(false)
                    .setNoRepeatNgramSize(0).setRepetitionPenalty(1.0).setStopAtEos(true);
            t5.setBatchSize(1);
            t5.setInputCols(new String[] {"document"});
            t5.setOutputCol("summary");
            DocumentAssembler assembler = new DocumentAssembler();
            assembler.setInputCol("text");
            assembler.setOutputCol("document");
            List<Row> rows = new ArrayList<>();
            texts.forEach(t -> rows.add(RowFactory.create(t)));
            var frame = spark.createDataFrame(rows, new StructType().add("text", DataTypes.StringType));
            List<Row> summaries = new Pipeline().setStages(new PipelineStage[] {assembler, t5}).fit(frame)
                    .transform(frame).selectExpr("summary.result").collectAsList();

            Object model = t5.getModelIfNotSet();
            Method encode = method(model.getClass(), "encode");
            Method tag = method(model.getClass(), "tag");
            for (int i = 0; i < texts.size(); i++) {
                Annotation document = new Annotation("document", 0, texts.get(i).length() - 1, texts.get(i),
                        scala.collection.immutable.Map$.MODULE$.<String, String>empty(), new float[0]);
                Object encoded = encode.invoke(model, JavaConverters.asScalaBuffer(List.of(document)).toSeq(), TASK);
                // tag(batch, maxNewTokens, maxTextLength, doSample, topK, topP, temperature, noRepeatNgramSize,
                //     repetitionPenalty, randomSeed, ignoreTokenIds, stopAtEos); its rows start with the decoder start.
                int[][] generated = (int[][]) tag.invoke(model, encoded, maxNew, maxNew + 8, false, 0, 1.0, 1.0, 0, 1.0,
                        scala.Option.empty(), new int[0], true);
                long[] theirIds = Arrays.stream(Arrays.copyOfRange(generated[0], 1, generated[0].length))
                        .asLongStream().toArray();
                List<?> result = summaries.get(i).getList(0);
                String theirText = result.isEmpty() ? "" : result.get(0).toString();
                int theirInputTokens = ((scala.collection.Seq<?>) encoded).head() instanceof int[] ids ? ids.length : -1;
                long[] ourIds = longs(ours.get(i).get("token_ids"));
                String ourText = ours.get(i).get("summary").asText();
                int ourInputTokens = ours.get(i).get("input_tokens").asInt();
                if (!Arrays.equals(theirIds, ourIds) || !theirText.equals(ourText) || theirInputTokens != ourInputTokens) {
                    differences++;
                    System.out.println("text " + i + ": Spark NLP " + theirInputTokens + " input tokens -> "
                            + Arrays.toString(theirIds) + " \"" + theirText + "\"\n        ours     " + ourInputTokens
                            + " input tokens -> " + Arrays.toString(ourIds) + " \"" + ourText + "\"");
                }
            }
            System.out.printf("sparknlp check: Spark NLP %s (Spark %s, Java %s), %d texts, greedy, %d new tokens: %s%n",
                    SparkNLP.currentVersion(), spark.version(), System.getProperty("java.version"), texts.size(),
                    maxNew, differences == 0 ? "the same ids and summaries as ours" : differences + " differ");
        } finally {
            spark.stop();
        }
        System.exit(differences == 0 ? 0 : 1);
    }

    private static Method method(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && !m.isSynthetic() && !m.isBridge()) {
                    m.setAccessible(true);
                    return m;
                }
            }
        }
        throw new IllegalStateException(type + " has no method " + name + " (another Spark NLP version?)");
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
