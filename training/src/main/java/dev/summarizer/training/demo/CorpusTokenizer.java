package dev.summarizer.training.demo;

import dev.summarizer.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small tokenizer.json for a corpus, in the shape of T5's: a Unigram model over SentencePiece-style pieces
 * ("▁" marks the start of a word), the same pre-tokenizer, decoder and "&lt;/s&gt;" post-processor, and the same
 * special ids (pad 0, eos 1, unk 2), so every loader of T5 tokenizers (the Rust tokenizers library behind DJL,
 * transformers, transformers.js) reads it. Each word of the corpus is one piece, scored by its log frequency;
 * single characters score far lower and only spell out words the corpus never had.
 */
public final class CorpusTokenizer {
    static final String WORD_START = "\u2581";
    static final List<String> SPECIAL_TOKENS = List.of("<pad>", "</s>", "<unk>");
    /** How much less likely than the rarest corpus piece a single fallback character is, in nats. */
    private static final double FALLBACK_PENALTY = 10.0;
    private static final ObjectMapper JSON = Json.MAPPER;

    private final Map<String, Integer> counts = new LinkedHashMap<>();

    /** Counts the pieces of one text. */
    public CorpusTokenizer add(String text) {
        for (String piece : pieces(text)) {
            counts.merge(piece, 1, Integer::sum);
        }
        return this;
    }

    /**
     * The pieces a text splits into: each whitespace-separated word into runs of letters and digits and single
     * other characters, the first one marked as a word start. "Luigi's." gives "▁Luigi", "'", "s", ".".
     */
    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        for (String word : text.strip().split("\\s+")) {
            int i = 0;
            while (i < word.length()) {
                int end = i + 1;
                if (Character.isLetterOrDigit(word.charAt(i))) {
                    while (end < word.length() && Character.isLetterOrDigit(word.charAt(end))) {
                        end++;
                    }
                }
                pieces.add((i == 0 ? WORD_START : "") + word.substring(i, end));
                i = end;
            }
        }
        return pieces;
    }

    /** The vocabulary in id order: the special tokens, the corpus pieces by frequency, then fallback characters. */
    List<Map.Entry<String, Double>> vocabulary() {
        double total = counts.values().stream().mapToInt(Integer::intValue).sum();
        List<Map.Entry<String, Double>> vocabulary = new ArrayList<>();
        for (String special : SPECIAL_TOKENS) {
            vocabulary.add(Map.entry(special, 0.0));
        }
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> vocabulary.add(Map.entry(e.getKey(), Math.log(e.getValue() / total))));
        double rarest = vocabulary.stream().mapToDouble(Map.Entry::getValue).min().orElse(0);
        double fallback = rarest - FALLBACK_PENALTY;
        List<String> characters = new ArrayList<>();
        characters.add(WORD_START);
        for (char c = '!'; c <= '~'; c++) {
            characters.add(String.valueOf(c));
            characters.add(WORD_START + c);
        }
        characters.stream().filter(c -> !counts.containsKey(c)).sorted(Comparator.naturalOrder())
                .forEach(c -> vocabulary.add(Map.entry(c, fallback)));
        return vocabulary;
    }

    /** Writes tokenizer.json, tokenizer_config.json and special_tokens_map.json; returns the vocabulary size. */
    public int write(Path folder) throws IOException {
        List<Map.Entry<String, Double>> vocabulary = vocabulary();
        ObjectNode tokenizer = JSON.createObjectNode();
        tokenizer.put("version", "1.0");
        tokenizer.putNull("truncation");
        tokenizer.putNull("padding");
        ArrayNode added = tokenizer.putArray("added_tokens");
        for (int id = 0; id < SPECIAL_TOKENS.size(); id++) {
            added.addObject().put("id", id).put("content", SPECIAL_TOKENS.get(id)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        tokenizer.putObject("normalizer").put("type", "NFKC");
        ArrayNode preTokenizers = tokenizer.putObject("pre_tokenizer").put("type", "Sequence").putArray("pretokenizers");
        preTokenizers.addObject().put("type", "WhitespaceSplit");
        preTokenizers.add(metaspace());
        tokenizer.set("post_processor", appendEos());
        tokenizer.set("decoder", metaspace());
        ObjectNode model = tokenizer.putObject("model").put("type", "Unigram").put("unk_id", SPECIAL_TOKENS.indexOf("<unk>"));
        ArrayNode pieces = model.putArray("vocab");
        for (Map.Entry<String, Double> piece : vocabulary) {
            pieces.addArray().add(piece.getKey()).add(piece.getValue());
        }
        model.put("byte_fallback", false);
        Files.writeString(folder.resolve("tokenizer.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tokenizer));

        ObjectNode specialTokens = JSON.createObjectNode().put("eos_token", "</s>").put("pad_token", "<pad>")
                .put("unk_token", "<unk>");
        // The generic fast tokenizer class: T5Tokenizer would add 100 <extra_id_N> sentinels this vocabulary lacks.
        ObjectNode config = specialTokens.deepCopy().put("tokenizer_class", "PreTrainedTokenizerFast")
                .put("model_max_length", 512).put("clean_up_tokenization_spaces", false);
        Files.writeString(folder.resolve("tokenizer_config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        Files.writeString(folder.resolve("special_tokens_map.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(specialTokens));
        return vocabulary.size();
    }

    private static ObjectNode metaspace() {
        return JSON.createObjectNode().put("type", "Metaspace").put("replacement", WORD_START).put("add_prefix_space", true);
    }

    /** T5's post-processor: "&lt;/s&gt;" after each sequence. */
    private static ObjectNode appendEos() {
        ObjectNode processor = JSON.createObjectNode().put("type", "TemplateProcessing");
        ArrayNode single = processor.putArray("single");
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        ArrayNode pair = processor.putArray("pair");
        pair.addAll(single.deepCopy());
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        ObjectNode eos = processor.putObject("special_tokens").putObject("</s>").put("id", "</s>");
        eos.putArray("ids").add(SPECIAL_TOKENS.indexOf("</s>"));
        eos.putArray("tokens").add("</s>");
        return processor;
    }
}
