package dev.summarizer.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The parameters of one T5 model, checked against its configuration, keyed by Hugging Face name. */
public final class T5Weights {
    /** Other names under which checkpoints store the shared embedding. */
    private static final List<String> EMBEDDING_ALIASES =
            List.of("encoder.embed_tokens.weight", "decoder.embed_tokens.weight");
    /** Left in some original T5 checkpoints and ignored by transformers, as here. */
    private static final Set<String> IGNORED =
            Set.of("decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight");

    private final T5Config config;
    private final T5ParameterLayout layout;
    private final Map<String, FloatTensor> tensors;

    /** Takes ownership of {@code tensors}, which must match the layout of {@code config} exactly. */
    public T5Weights(T5Config config, Map<String, FloatTensor> tensors) {
        this.config = config;
        this.layout = new T5ParameterLayout(config, tensors.containsKey(T5ParameterLayout.LM_HEAD));
        Map<String, FloatTensor> ordered = new LinkedHashMap<>();
        for (ParameterSpec spec : layout.specs()) {
            FloatTensor t = tensors.get(spec.name());
            if (t == null || !t.hasShape(spec.shape())) {
                throw new IllegalArgumentException("tensor " + spec.name() + " is missing or mis-shaped");
            }
            ordered.put(spec.name(), t);
        }
        if (tensors.size() != ordered.size()) {
            throw new IllegalArgumentException("unexpected tensors beside the layout");
        }
        this.tensors = Collections.unmodifiableMap(ordered);
    }

    /**
     * Reads a safetensors file and checks it against the configuration: every expected tensor present with
     * its shape, tied-embedding aliases accepted, anything else rejected by name. The lm_head is separate when
     * config.json unties it or when the file holds an {@code lm_head.weight} that differs from the embedding
     * (how transformers 5 saves FLAN-T5-style models).
     */
    public static T5Weights read(Path file, T5Config config) {
        return read(WeightFiles.single(file), config);
    }

    /** {@link #read(Path, T5Config)} of one file or of an index and its shards; errors name the file at fault. */
    public static T5Weights read(WeightFiles files, T5Config config) {
        Map<String, Safetensors.Entry> header = files.header();
        Path file = files.source();
        checkHeader(file, header, config);
        Map<String, FloatTensor> found = Safetensors.read(header.values());
        Map<String, FloatTensor> resolved = new LinkedHashMap<>();

        FloatTensor embedding = found.get(T5ParameterLayout.SHARED);
        for (String alias : EMBEDDING_ALIASES) {
            if (embedding == null) {
                embedding = found.get(alias);
            }
        }
        FloatTensor lmHead = found.get(T5ParameterLayout.LM_HEAD);
        boolean separateLmHead = !config.tieWordEmbeddings()
                || (lmHead != null && embedding != null && !Arrays.equals(lmHead.data(), embedding.data()));
        if (embedding == null && !separateLmHead) {
            embedding = lmHead;
        }
        if (embedding != null) {
            resolved.put(T5ParameterLayout.SHARED, embedding);
        }
        T5ParameterLayout layout = new T5ParameterLayout(config, separateLmHead);
        for (var entry : found.entrySet()) {
            String name = entry.getKey();
            boolean alias = name.equals(T5ParameterLayout.SHARED) || EMBEDDING_ALIASES.contains(name)
                    || (name.equals(T5ParameterLayout.LM_HEAD) && !separateLmHead);
            if (alias) {
                if (!entry.getValue().hasShape(config.vocabSize(), config.dModel())) {
                    throw misShaped(file, name, entry.getValue(), new long[] {config.vocabSize(), config.dModel()});
                }
                continue;
            }
            if (IGNORED.contains(name)) {
                continue;
            }
            if (!layout.contains(name)) {
                throw new ModelFormatException(file + ": unexpected tensor " + name
                        + " (not part of the T5 architecture config.json describes)");
            }
            resolved.put(name, entry.getValue());
        }
        for (ParameterSpec spec : layout.specs()) {
            FloatTensor t = resolved.get(spec.name());
            if (t == null) {
                throw new ModelFormatException(file + ": missing tensor " + spec.name()
                        + " of shape " + Arrays.toString(spec.shape()));
            }
            if (!t.hasShape(spec.shape())) {
                throw misShaped(file, spec.name(), t, spec.shape());
            }
        }
        return new T5Weights(config, resolved);
    }

    /**
     * The file's tensor names and shapes against the architecture, from its header alone: a file that cannot fit is
     * reported before any of its data is read (a config.json with a million layers used to read 2 GB first).
     */
    private static void checkHeader(Path file, Map<String, Safetensors.Entry> header, T5Config config) {
        boolean lmHeadPresent = header.containsKey(T5ParameterLayout.LM_HEAD);
        T5ParameterLayout layout = new T5ParameterLayout(config, !config.tieWordEmbeddings() || lmHeadPresent);
        long[] embedding = {config.vocabSize(), config.dModel()};
        boolean embeddingPresent = false;
        for (Safetensors.Entry entry : header.values()) {
            String name = entry.name();
            if (name.equals(T5ParameterLayout.SHARED) || EMBEDDING_ALIASES.contains(name)) {
                embeddingPresent = true;
                if (!Arrays.equals(entry.shape(), embedding)) {
                    throw misShaped(entry.file(), name, Arrays.toString(entry.shape()), embedding);
                }
            } else if (!IGNORED.contains(name) && !layout.contains(name)) {
                throw new ModelFormatException(entry.file() + ": unexpected tensor " + name
                        + " (not part of the T5 architecture config.json describes)");
            } else if (layout.contains(name) && !Arrays.equals(entry.shape(), layout.spec(name).shape())) {
                throw misShaped(entry.file(), name, Arrays.toString(entry.shape()), layout.spec(name).shape());
            }
        }
        for (ParameterSpec spec : layout.specs()) {
            boolean present = header.containsKey(spec.name())
                    || (spec.name().equals(T5ParameterLayout.SHARED) && (embeddingPresent || lmHeadPresent));
            if (!present) {
                throw new ModelFormatException(file + ": missing tensor " + spec.name()
                        + " of shape " + Arrays.toString(spec.shape()));
            }
        }
    }

    private static ModelFormatException misShaped(Path file, String name, String shape, long[] expected) {
        return new ModelFormatException(file + ": tensor " + name + " has shape " + shape
                + " but config.json implies " + Arrays.toString(expected));
    }

    private static ModelFormatException misShaped(Path file, String name, FloatTensor t, long[] expected) {
        return new ModelFormatException(file + ": tensor " + name + " has shape " + t.shapeString()
                + " but config.json implies " + Arrays.toString(expected));
    }

    /** Writes the canonical names only (the shared embedding once; {@code lm_head.weight} when untied). */
    public void write(Path file) throws IOException {
        Safetensors.write(file, tensors);
    }

    public T5Config config() {
        return config;
    }

    public T5ParameterLayout layout() {
        return layout;
    }

    public FloatTensor tensor(String name) {
        FloatTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return t;
    }

    public Map<String, FloatTensor> tensors() {
        return tensors;
    }
}
