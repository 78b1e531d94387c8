package dev.summarizer.generate;

import dev.summarizer.model.T5Config;

/** The token ids decoding needs: where the decoder starts, what ends a sequence, what pads it. */
public record SpecialTokens(int decoderStart, int eos, int pad) {

    public static SpecialTokens of(T5Config config) {
        return new SpecialTokens(config.decoderStartTokenId(), config.eosTokenId(), config.padTokenId());
    }
}
