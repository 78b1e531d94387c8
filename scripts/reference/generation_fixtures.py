"""Reference ids for greedy and beam search: what transformers' generate() picks for the two small models of
model_fixtures.py, for a padded batch of inputs of different lengths and for each input alone.

Writes models/src/test/resources/fixtures/<arch>-generate.json. Run model_fixtures.py first.
"""
import json
import os

import torch
from transformers import DynamicCache, EncoderDecoderCache, T5ForConditionalGeneration

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "models", "src", "test", "resources", "fixtures")

# The random models almost never choose EOS; scaling its lm_head row (the tied embedding row for relu-tied)
# makes some sequences end early so that finishing is exercised. The Java test applies the same float32 scaling.
EOS_BOOST = {"relu-tied": 2.6, "gated-untied": 2.5}

SETTINGS = {
    "greedy": dict(num_beams=1, max_new_tokens=20),
    "greedy_min12_nrng2": dict(num_beams=1, max_new_tokens=16, min_new_tokens=12, no_repeat_ngram_size=2),
    "beam4_lp2_nrng3_early": dict(num_beams=4, max_new_tokens=20, length_penalty=2.0, no_repeat_ngram_size=3,
                                  early_stopping=True),
    "beam3_min8_lp0.6": dict(num_beams=3, max_new_tokens=16, min_new_tokens=8, length_penalty=0.6),
    "beam2_never": dict(num_beams=2, max_new_tokens=12, early_stopping="never", length_penalty=1.0),
    "beam5_default": dict(num_beams=5, max_new_tokens=24),
}


def fresh_cache():
    """Caches that grow a layer at a time: transformers 5.18 sizes the default cache by num_layers, which fails
    for decoders deeper than their encoder."""
    return EncoderDecoderCache(DynamicCache(), DynamicCache())


def generated(sequences, start, eos, pad):
    """Ids after the decoder start, up to and including EOS (transformers pads finished rows)."""
    out = []
    for row in sequences.tolist():
        assert row[0] == start
        ids = []
        for t in row[1:]:
            ids.append(t)
            if t == eos:
                break
        out.append(ids)
    return out


def main():
    for arch in ("relu-tied", "gated-untied"):
        model = T5ForConditionalGeneration.from_pretrained(os.path.join(FIXTURES, arch)).eval()
        cfg = model.config
        with torch.no_grad():
            model.lm_head.weight[cfg.eos_token_id] *= EOS_BOOST[arch]
        g = torch.Generator().manual_seed(7)
        lengths = [11, 5, 8]
        width = max(lengths)
        input_ids = torch.zeros(len(lengths), width, dtype=torch.long)
        attention_mask = torch.zeros(len(lengths), width, dtype=torch.long)
        for i, n in enumerate(lengths):
            input_ids[i, : n - 1] = torch.randint(2, cfg.vocab_size, (n - 1,), generator=g)
            input_ids[i, n - 1] = cfg.eos_token_id
            attention_mask[i, :n] = 1
        results = {}
        for name, settings in SETTINGS.items():
            with torch.no_grad():
                batched = model.generate(input_ids=input_ids, attention_mask=attention_mask, do_sample=False,
                                         past_key_values=fresh_cache(), **settings)
                alone = []
                for i, n in enumerate(lengths):
                    one = model.generate(input_ids=input_ids[i: i + 1, :n], attention_mask=attention_mask[i: i + 1, :n],
                                         do_sample=False, past_key_values=fresh_cache(), **settings)
                    alone.append(generated(one, cfg.decoder_start_token_id, cfg.eos_token_id, cfg.pad_token_id)[0])
            results[name] = {
                "settings": settings,
                "batched": generated(batched, cfg.decoder_start_token_id, cfg.eos_token_id, cfg.pad_token_id),
                "alone": alone,
            }
        fixture = {"model": arch, "eos_boost": EOS_BOOST[arch], "input_ids": input_ids.tolist(), "attention_mask": attention_mask.tolist(),
                   "results": results}
        with open(os.path.join(FIXTURES, arch + "-generate.json"), "w") as f:
            json.dump(fixture, f, indent=1)
        print(arch, {k: [len(x) for x in v["batched"]] for k, v in results.items()})


if __name__ == "__main__":
    main()
