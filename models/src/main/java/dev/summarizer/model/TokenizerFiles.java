package dev.summarizer.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The tokenizer files of a model folder. The T5 SentencePiece vocabulary (32,100 pieces plus 28 unused
 * ids that pad the embedding to 32,128) ships inside this library so that {@code init} works offline.
 */
public final class TokenizerFiles {
    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";
    public static final List<String> ALL = List.of(TOKENIZER_JSON, TOKENIZER_CONFIG, SPECIAL_TOKENS_MAP);

    private static final String RESOURCES = "/dev/summarizer/t5/";

    private TokenizerFiles() {}

    /** Writes the embedded T5 tokenizer into {@code folder}. */
    public static void writeDefault(Path folder) throws IOException {
        try (InputStream in = new GZIPInputStream(resource(TOKENIZER_JSON + ".gz"))) {
            Files.copy(in, folder.resolve(TOKENIZER_JSON), StandardCopyOption.REPLACE_EXISTING);
        }
        for (String name : List.of(TOKENIZER_CONFIG, SPECIAL_TOKENS_MAP)) {
            try (InputStream in = resource(name)) {
                Files.copy(in, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * Copies {@code tokenizerJson} into {@code folder}, with the tokenizer_config.json and
     * special_tokens_map.json that stand beside it, or T5's when it has none.
     */
    public static void copy(Path tokenizerJson, Path folder) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new ModelFormatException(tokenizerJson + ": file not found");
        }
        Files.copy(tokenizerJson, folder.resolve(TOKENIZER_JSON), StandardCopyOption.REPLACE_EXISTING);
        Path source = tokenizerJson.toAbsolutePath().getParent();
        for (String name : List.of(TOKENIZER_CONFIG, SPECIAL_TOKENS_MAP)) {
            Path beside = source.resolve(name);
            if (Files.isRegularFile(beside)) {
                Files.copy(beside, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            } else {
                try (InputStream in = resource(name)) {
                    Files.copy(in, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Copies whichever tokenizer files {@code from} has. */
    public static void copyPresent(Path from, Path to) throws IOException {
        for (String name : ALL) {
            Path file = from.resolve(name);
            if (Files.isRegularFile(file)) {
                Files.copy(file, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static InputStream resource(String name) throws IOException {
        InputStream in = TokenizerFiles.class.getResourceAsStream(RESOURCES + name);
        if (in == null) {
            throw new IOException("resource " + RESOURCES + name + " is missing from the build");
        }
        return in;
    }
}
