package dev.summarizer.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.summarizer.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real T5 tokenizer through our wrapper against the ids transformers gives (../shared/t5/tokenizer-cases.jsonl). */
class ModelTokenizerTest {

    @Test
    void everySharedCaseGivesTransformersIds() throws Exception {
        Path cases = Fixtures.shared("t5/tokenizer-cases.jsonl");
        ObjectMapper json = new ObjectMapper();
        int checked = 0;
        try (ModelTokenizer tokenizer = ModelTokenizer.open(Fixtures.shared("t5/tokenizer.json"))) {
            for (String line : Files.readAllLines(cases)) {
                JsonNode c = json.readTree(line);
                String name = c.get("name").asText();
                EncoderInput e = tokenizer.encode(c.get("text").asText(), 100_000);
                assertArrayEquals(Fixtures.longs(c.get("ids")), e.ids(), name);
                assertFalse(e.truncated(), name);
                assertEquals(c.get("decoded").asText(), tokenizer.decodeWithSpecialTokens(e.ids()), name);
                checked++;
            }
        }
        assertEquals(58, checked);
    }

    @Test
    void truncationKeepsTheFirstTokensAndTheEos() {
        try (ModelTokenizer tokenizer = ModelTokenizer.open(Fixtures.shared("t5/tokenizer.json"))) {
            String text = "The company was founded in 2016. ".repeat(10);
            long[] full = tokenizer.encode(text, 100_000).ids();
            EncoderInput cut = tokenizer.encode(text, 16);
            assertTrue(cut.truncated());
            assertEquals(full.length, cut.tokenCount());
            assertEquals(16, cut.ids().length);
            assertArrayEquals(Arrays.copyOf(full, 15), Arrays.copyOf(cut.ids(), 15));
            assertEquals(1, cut.ids()[15], "</s> ends a truncated input as it ends a full one");
        }
    }

    @Test
    void aHugeTextIsCutBeforeTokenizingAndTruncatedExactlyAsTheWholeText() throws Exception {
        Path samsum = Fixtures.shared("data/samsum/validation.jsonl");
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(samsum)) {
            sb.append(new ObjectMapper().readTree(line).get("dialogue").asText()).append("\n   \n");
            if (sb.length() > 1_000_000) {
                break;
            }
        }
        String megabyte = sb.toString();
        String spaces = " ".repeat(200_000) + megabyte; // whitespace that gives no tokens: the first cut is too short
        try (ModelTokenizer tokenizer = ModelTokenizer.open(Fixtures.shared("t5/tokenizer.json"));
                HuggingFaceTokenizer whole = HuggingFaceTokenizer.newInstance(Fixtures.shared("t5/tokenizer.json"),
                        java.util.Map.of("addSpecialTokens", "true", "padding", "false", "truncation", "true",
                                "maxLength", "512"))) {
            for (String text : List.of(megabyte, spaces)) {
                EncoderInput cut = tokenizer.encode(text, 512);
                assertArrayEquals(whole.encode(text).getIds(), cut.ids());
                assertTrue(cut.truncated());
                assertTrue(cut.tokenCount() > 512 && cut.tokenCount() < 50_000,
                        "counted up to the cut, not the whole megabyte: " + cut.tokenCount());
            }
        }
    }

    @Test
    void batchesArePaddedOnTheRight() {
        try (ModelTokenizer tokenizer = ModelTokenizer.open(Fixtures.shared("t5/tokenizer.json"))) {
            List<EncoderInput> inputs = List.of(tokenizer.encode("How are you doing?", 512), tokenizer.encode("Hello World", 512));
            TokenizedBatch batch = TokenizedBatch.of(inputs, 0);
            assertArrayEquals(new long[] {571, 33, 25, 692, 58, 1}, batch.inputIds()[0]);
            assertArrayEquals(new long[] {8774, 1150, 1, 0, 0, 0}, batch.inputIds()[1]);
            assertArrayEquals(new long[] {1, 1, 1, 0, 0, 0}, batch.attentionMask()[1]);
            assertArrayEquals(new int[] {6, 3}, inputs.stream().mapToInt(EncoderInput::tokenCount).toArray());
            assertEquals("Hello World", tokenizer.decode(batch.inputIds()[1]));
        }
    }
}
