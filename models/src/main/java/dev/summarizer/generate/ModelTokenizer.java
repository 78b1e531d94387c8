package dev.summarizer.generate;

import dev.summarizer.Json;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.summarizer.Json;
import dev.summarizer.model.ModelFormatException;
import dev.summarizer.model.TokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model folder's tokenizer.json, run by Hugging Face's tokenizers library (through DJL): special tokens
 * added as the tokenizer's post-processor says (T5 appends {@code </s>}), truncation as transformers'
 * fast tokenizers do it (keep the first tokens, then the special ones), decoding without special tokens and
 * with transformers' {@code clean_up_tokenization_spaces} (" ." to "." and the like) unless
 * tokenizer_config.json turns it off: transformers 4, which made the public T5 checkpoints, cleaned up by
 * default.
 */
public final class ModelTokenizer implements AutoCloseable {
    private final Path file;
    private final HuggingFaceTokenizer untruncated;
    private final boolean cleanUpSpaces;
    /** Texts shorter than this are never cut before tokenizing. */
    private static final long MIN_CUT = 65_536;
    /** The most characters one token covers (the longest vocabulary entry), for bounding the work on long texts. */
    private final int longestToken;
    /** Truncating tokenizers by maximum length; the library fixes the length per instance. */
    private final Map<Integer, HuggingFaceTokenizer> truncating = new ConcurrentHashMap<>();

    private ModelTokenizer(Path file, HuggingFaceTokenizer untruncated, boolean cleanUpSpaces, int longestToken) {
        this.file = file;
        this.untruncated = untruncated;
        this.cleanUpSpaces = cleanUpSpaces;
        this.longestToken = longestToken;
    }

    public static ModelTokenizer open(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new ModelFormatException(tokenizerJson + ": file not found");
        }
        boolean cleanUp = readCleanUpSetting(tokenizerJson.resolveSibling(TokenizerFiles.TOKENIZER_CONFIG));
        int longest = longestToken(tokenizerJson);
        try {
            return new ModelTokenizer(tokenizerJson, load(tokenizerJson, Map.of("truncation", "false")), cleanUp, longest);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(tokenizerJson + ": not a tokenizer.json the tokenizers library can load ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
        }
    }

    /** The longest entry of tokenizer.json's vocabulary, in characters (Unigram lists, WordLevel and BPE maps). */
    private static int longestToken(Path tokenizerJson) {
        JsonNode vocab;
        try {
            vocab = Json.MAPPER.readTree(tokenizerJson.toFile()).path("model").path("vocab");
        } catch (IOException e) {
            throw new ModelFormatException(tokenizerJson + ": not valid JSON");
        }
        int longest = 1;
        if (vocab.isArray()) {
            for (JsonNode entry : vocab) {
                longest = Math.max(longest, entry.path(0).asText("").length());
            }
        } else {
            for (var names = vocab.fieldNames(); names.hasNext(); ) {
                longest = Math.max(longest, names.next().length());
            }
        }
        return longest;
    }

    private static boolean readCleanUpSetting(Path tokenizerConfig) {
        if (!Files.isRegularFile(tokenizerConfig)) {
            return true;
        }
        try {
            JsonNode setting = Json.MAPPER.readTree(tokenizerConfig.toFile()).path("clean_up_tokenization_spaces");
            return !setting.isBoolean() || setting.asBoolean();
        } catch (IOException e) {
            throw new ModelFormatException(tokenizerConfig + ": not valid JSON");
        }
    }

    private static HuggingFaceTokenizer load(Path file, Map<String, String> options) throws IOException {
        Map<String, String> all = new java.util.HashMap<>(options);
        all.put("addSpecialTokens", "true");
        all.put("padding", "false");
        return HuggingFaceTokenizer.newInstance(file, all);
    }

    /**
     * Ids with special tokens, truncated to {@code maxLength}. A text far longer than that is cut before it is
     * tokenized, so the work stays bounded by {@code maxLength} rather than by the text (a megabyte took 6.4 s): it is
     * cut at a word boundary past twice what {@code maxLength} tokens can cover (64k characters at least), and cut
     * longer if that still gave too few
     * tokens (runs of spaces or unknown characters). The tokenizers split words at whitespace before anything else,
     * so the tokens of the whole words before the cut are the whole text's; the truncated ids are exactly the whole
     * text's, and {@link EncoderInput#tokenCount} counts the tokens up to the cut.
     */
    public EncoderInput encode(String text, int maxLength) {
        // Twice what maxLength tokens can cover, and at least 64k characters (about 0.4 s of tokenizing): texts of
        // ordinary length are tokenized whole and counted exactly.
        long bound = Math.max(MIN_CUT, 2L * maxLength * longestToken);
        while (bound < text.length()) {
            int cut = lastWhitespaceBefore(text, (int) bound);
            if (cut <= 0) {
                break; // one long word: only the whole text tokenizes it as the whole text does
            }
            String prefix = text.substring(0, cut);
            long[] ids = untruncated.encode(prefix).getIds();
            if (ids.length > maxLength) {
                return truncate(prefix, maxLength, ids.length);
            }
            bound *= 2;
        }
        long[] ids = untruncated.encode(text).getIds();
        if (ids.length <= maxLength) {
            return new EncoderInput(ids, ids.length, false);
        }
        return truncate(text, maxLength, ids.length);
    }

    private static int lastWhitespaceBefore(String text, int end) {
        int i = end;
        while (i > 0 && !Character.isWhitespace(text.charAt(i))) {
            i--;
        }
        return i;
    }

    private EncoderInput truncate(String text, int maxLength, int tokenCount) {
        HuggingFaceTokenizer truncator = truncating.computeIfAbsent(maxLength, n -> {
            try {
                return load(file, Map.of("truncation", "true", "maxLength", Integer.toString(n)));
            } catch (IOException e) {
                throw new ModelFormatException(file + ": cannot load: " + e.getMessage());
            }
        });
        Encoding truncated = truncator.encode(text);
        return new EncoderInput(truncated.getIds(), tokenCount, true);
    }

    /** Text of {@code ids} without special tokens. */
    public String decode(long[] ids) {
        return cleanUp(untruncated.decode(ids, true));
    }

    /** Text of {@code ids} without special tokens, with or without the clean-up whatever the tokenizer's setting. */
    public String decode(long[] ids, boolean cleanUpSpaces) {
        String text = untruncated.decode(ids, true);
        return cleanUpSpaces ? cleanUpAlways(text) : text;
    }

    /** Text of {@code ids} with special tokens, e.g. {@code </s>}. */
    public String decodeWithSpecialTokens(long[] ids) {
        return cleanUp(untruncated.decode(ids, false));
    }

    /** transformers' clean_up_tokenization: no space before punctuation and English contractions. */
    private String cleanUp(String text) {
        return cleanUpSpaces ? cleanUpAlways(text) : text;
    }

    private static String cleanUpAlways(String text) {
        return text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s")
                .replace(" 've", "'ve").replace(" 're", "'re");
    }

    @Override
    public void close() {
        untruncated.close();
        truncating.values().forEach(HuggingFaceTokenizer::close);
    }
}
