package dev.summarizer.training.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.training.demo.DialogueCorpus.Example;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The written tokenizer.json, read back by the Rust tokenizers library (through DJL) that serves it. */
class CorpusTokenizerTest {
    @TempDir
    static Path folder;
    static List<Example> corpus;
    static HuggingFaceTokenizer tokenizer;
    static int vocabularySize;

    @BeforeAll
    static void writeTokenizer() throws Exception {
        corpus = new DialogueCorpus(3).generate(500, 1, 1).train();
        CorpusTokenizer builder = new CorpusTokenizer();
        corpus.forEach(e -> builder.add(e.dialogue()).add(e.summary()));
        vocabularySize = builder.write(folder);
        tokenizer = HuggingFaceTokenizer.newInstance(folder.resolve("tokenizer.json"),
                Map.of("addSpecialTokens", "true", "truncation", "false"));
    }

    @Test
    void textsRoundTripThroughTheRustTokenizer() {
        for (Example example : corpus.subList(0, 100)) {
            for (String text : List.of(example.dialogue(), example.summary())) {
                Encoding encoding = tokenizer.encode(text);
                String spaced = String.join(" ", text.split("\\s+"));
                assertEquals(spaced, tokenizer.decode(encoding.getIds(), true));
            }
        }
    }

    @Test
    void corpusWordsAreSinglePiecesAndTheSequenceEndsWithEos() {
        Encoding encoding = tokenizer.encode("Anna: Shall we have lunch at Luigi's?");
        assertEquals(List.of("▁Anna", ":", "▁Shall", "▁we", "▁have", "▁lunch", "▁at", "▁Luigi", "'", "s", "?", "</s>"),
                Arrays.asList(encoding.getTokens()));
        long[] ids = encoding.getIds();
        assertEquals(1, ids[ids.length - 1]);
        assertTrue(Arrays.stream(ids).allMatch(id -> id > 2 || id == 1), "no unknown pieces: " + Arrays.toString(ids));
    }

    @Test
    void unseenWordsAreSpelledOutAndUnknownCharactersBecomeUnk() {
        Encoding encoding = tokenizer.encode("Zebra ö");
        assertEquals(List.of("▁Z", "e", "b", "r", "a", "▁", "ö", "</s>"), Arrays.asList(encoding.getTokens()));
        assertEquals(2, encoding.getIds()[6], "ö is the unknown token");
        assertEquals("Zebra", tokenizer.decode(tokenizer.encode("Zebra").getIds(), true));
    }

    @Test
    void specialTokensHaveT5Ids() {
        assertArrayEquals(new long[] {0, 1, 2}, tokenizer.encode("<pad></s><unk>", false, false).getIds());
    }

    @Test
    void theReportedSizeCoversEveryId() throws Exception {
        JsonNode model = new ObjectMapper().readTree(folder.resolve("tokenizer.json").toFile()).get("model");
        assertEquals(vocabularySize, model.get("vocab").size());
        long largest = Arrays.stream(tokenizer.encode("~ ~~ Q").getIds()).max().orElseThrow();
        assertTrue(largest < vocabularySize, largest + " < " + vocabularySize);
    }
}
