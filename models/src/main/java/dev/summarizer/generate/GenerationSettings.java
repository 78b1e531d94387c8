package dev.summarizer.generate;

/** Everything a summary is made with: how its text is prepared for the encoder, and how it is decoded. */
public record GenerationSettings(SourceSettings source, DecodingSettings decoding) {
    public GenerationSettings {
        if (source == null || decoding == null) {
            throw new IllegalArgumentException("source and decoding settings are both required");
        }
    }

    /** Transformers' defaults: no prefix, 512 source tokens, 19 new tokens, greedy. */
    public static GenerationSettings defaults() {
        return new GenerationSettings(SourceSettings.defaults(), DecodingSettings.defaults());
    }

    public GenerationSettings withDecoding(DecodingSettings other) {
        return new GenerationSettings(source, other);
    }

    public GenerationSettings withSource(SourceSettings other) {
        return new GenerationSettings(other, decoding);
    }
}
