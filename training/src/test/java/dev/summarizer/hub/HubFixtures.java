package dev.summarizer.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/** A fake t5-small repository made of real files: the relu-tied fixture's weights and T5's tokenizer. */
final class HubFixtures {
    static final String REPO = "google-t5/t5-small";
    static final String ALIAS = "t5-small";
    /** What a fetched folder holds: the files this project reads, none of the other frameworks' weights. */
    static final List<String> MODEL_FOLDER = List.of("generation_config.json", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "spiece.model", "config.json", "model.safetensors");

    private HubFixtures() {}

    /** google-t5/t5-small (alias t5-small) as the Hub lists it, other frameworks' files included. */
    static FakeHub.Repo t5Small(FakeHub hub) {
        FakeHub.Repo repo = hub.repo(REPO)
                .file(".gitattributes", text("*.bin filter=lfs diff=lfs merge=lfs -text\n"))
                .file("README.md", text("---\nlicense: apache-2.0\n---\n# T5-small\n"))
                .file("config.json", resource("/fixtures/relu-tied/config.json"))
                .lfsFile("flax_model.msgpack", noise(5000, 1))
                .file("generation_config.json", text("{\n  \"decoder_start_token_id\": 0,\n  \"eos_token_id\": 1,\n"
                        + "  \"pad_token_id\": 0\n}\n"))
                .lfsFile("model.safetensors", resource("/fixtures/relu-tied/model.safetensors"))
                .lfsFile("onnx/encoder_model.onnx", noise(3000, 2))
                .lfsFile("pytorch_model.bin", noise(4000, 3))
                .lfsFile("spiece.model", noise(7000, 4))
                .file("special_tokens_map.json", resource("/dev/summarizer/t5/special_tokens_map.json"))
                .lfsFile("tf_model.h5", noise(4000, 5))
                .file("tokenizer.json", tokenizerJson())
                .file("tokenizer_config.json", resource("/dev/summarizer/t5/tokenizer_config.json"));
        hub.alias(ALIAS, REPO);
        return repo;
    }

    static byte[] tokenizerJson() {
        try (InputStream in = new GZIPInputStream(stream("/dev/summarizer/t5/tokenizer.json.gz"))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = stream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] noise(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The regular files under {@code dir}, as paths relative to it, sorted. */
    static List<String> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private static InputStream stream(String name) {
        InputStream in = HubFixtures.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("test resource " + name + " is missing");
        }
        return in;
    }
}
