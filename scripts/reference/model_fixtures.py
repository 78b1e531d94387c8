"""Reference vectors for the T5 graphs: what transformers computes for two small random T5 models.

Writes into models/src/test/resources/fixtures/:
  <arch>/config.json, <arch>/model.safetensors   the weights the Java tests load
  <arch>.json                                     inputs, encoder output, logits, present key/values
  relative_position_buckets.json                  T5Attention._relative_position_bucket over a range
  init_statistics.json                            mean and std of every parameter after HF's init
  dtypes.safetensors, dtypes.json                 F16/BF16/F32 tensors and their float32 values
"""
import json
import os
import sys

import numpy as np
import torch
from safetensors.torch import save_file
from transformers import T5Config, T5ForConditionalGeneration
from transformers.models.t5.modeling_t5 import T5Attention

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "models", "src", "test", "resources", "fixtures")

ARCHITECTURES = {
    # t5-small-like: ReLU, tied embeddings with the d_model^-0.5 output scaling
    "relu-tied": dict(vocab_size=384, d_model=32, d_kv=8, num_heads=4, d_ff=64, num_layers=2,
                      num_decoder_layers=2, feed_forward_proj="relu", tied=True, seed=1),
    # flan-t5-like: gated-gelu, its own lm_head, d_kv != d_model / heads, more decoder than encoder layers
    "gated-untied": dict(vocab_size=384, d_model=48, d_kv=20, num_heads=3, d_ff=80, num_layers=2,
                         num_decoder_layers=3, feed_forward_proj="gated-gelu", tied=False, seed=2),
}


def flat(t):
    return [float(f"{v:.8g}") for v in t.detach().float().reshape(-1).tolist()]


def make_model(spec):
    torch.manual_seed(spec["seed"])
    config = T5Config(vocab_size=spec["vocab_size"], d_model=spec["d_model"], d_kv=spec["d_kv"],
                      num_heads=spec["num_heads"], d_ff=spec["d_ff"], num_layers=spec["num_layers"],
                      num_decoder_layers=spec["num_decoder_layers"], feed_forward_proj=spec["feed_forward_proj"],
                      relative_attention_num_buckets=32, relative_attention_max_distance=128,
                      dropout_rate=0.0, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
    config.scale_decoder_outputs = spec["tied"]
    model = T5ForConditionalGeneration(config).eval()
    with torch.no_grad():
        # Random layer norms, so that a graph that forgot one would show.
        for name, p in model.named_parameters():
            if "layer_norm" in name:
                p.copy_(1 + 0.2 * torch.randn_like(p))
        if not spec["tied"]:
            model.lm_head.weight = torch.nn.Parameter(torch.randn_like(model.shared.weight))
    return model, config


def save_folder(model, config, spec, folder):
    os.makedirs(folder, exist_ok=True)
    state = {k: v.contiguous() for k, v in model.state_dict().items()
             if k not in ("encoder.embed_tokens.weight", "decoder.embed_tokens.weight")}
    if spec["tied"]:
        state.pop("lm_head.weight", None)
    else:
        state["lm_head.weight"] = model.lm_head.weight.detach().clone().contiguous()
    save_file(state, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
    cfg = {"architectures": ["T5ForConditionalGeneration"], "model_type": "t5",
           "vocab_size": config.vocab_size, "d_model": config.d_model, "d_kv": config.d_kv,
           "d_ff": config.d_ff, "num_layers": config.num_layers, "num_decoder_layers": config.num_decoder_layers,
           "num_heads": config.num_heads, "relative_attention_num_buckets": 32,
           "relative_attention_max_distance": 128, "dropout_rate": 0.0, "layer_norm_epsilon": 1e-6,
           "initializer_factor": 1.0, "feed_forward_proj": spec["feed_forward_proj"],
           "tie_word_embeddings": spec["tied"], "is_encoder_decoder": True,
           "decoder_start_token_id": 0, "pad_token_id": 0, "eos_token_id": 1}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)


def cache_tensors(cache, prefix):
    """present.{i}.decoder|encoder.key|value from transformers' EncoderDecoderCache."""
    out = {}
    for i, layer in enumerate(cache.self_attention_cache.layers):
        out[f"{prefix}.{i}.decoder.key"] = flat(layer.keys)
        out[f"{prefix}.{i}.decoder.value"] = flat(layer.values)
    for i, layer in enumerate(cache.cross_attention_cache.layers):
        out[f"{prefix}.{i}.encoder.key"] = flat(layer.keys)
        out[f"{prefix}.{i}.encoder.value"] = flat(layer.values)
    return out


def architecture_fixture(name, spec):
    model, config = make_model(spec)
    save_folder(model, config, spec, os.path.join(OUT, name))
    g = torch.Generator().manual_seed(100 + spec["seed"])
    v = spec["vocab_size"]
    # Row 1 is padded: its last three encoder positions are masked out.
    input_ids = torch.randint(2, v, (2, 9), generator=g)
    attention_mask = torch.ones(2, 9, dtype=torch.long)
    input_ids[1, 6:] = 0
    attention_mask[1, 6:] = 0
    input_ids[0, 8] = 1
    input_ids[1, 5] = 1
    decoder_input_ids = torch.randint(2, v, (2, 4), generator=g)
    decoder_input_ids[:, 0] = 0
    next_ids = torch.randint(2, v, (2, 1), generator=g)
    with torch.no_grad():
        encoder = model.get_encoder()(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        first = model(encoder_outputs=(encoder,), attention_mask=attention_mask,
                      decoder_input_ids=decoder_input_ids, use_cache=True)
        first_cache = {k: v for k, v in cache_tensors(first.past_key_values, "present").items()}
        second = model(encoder_outputs=(encoder,), attention_mask=attention_mask, decoder_input_ids=next_ids,
                       past_key_values=first.past_key_values, use_cache=True)
        # The same logits from the whole prefix at once, for the with-past consistency check.
        whole = model(encoder_outputs=(encoder,), attention_mask=attention_mask,
                      decoder_input_ids=torch.cat([decoder_input_ids, next_ids], 1)).logits
    assert torch.allclose(whole[:, -1:], second.logits, atol=1e-5)
    fixture = {
        "model": name,
        "input_ids": input_ids.tolist(),
        "attention_mask": attention_mask.tolist(),
        "decoder_input_ids": decoder_input_ids.tolist(),
        "next_decoder_input_ids": next_ids.tolist(),
        "encoder_last_hidden_state": flat(encoder),
        "logits": flat(first.logits),
        "present": first_cache,
        "next_logits": flat(second.logits),
        "next_present": {k: v for k, v in cache_tensors(second.past_key_values, "present").items()
                         if ".decoder." in k},
    }
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(fixture, f)


def bucket_fixture():
    positions = torch.arange(-300, 301)
    cases = []
    for bidirectional in (True, False):
        for buckets, distance in ((32, 128), (16, 64), (64, 256), (32, 32)):
            b = T5Attention._relative_position_bucket(positions, bidirectional=bidirectional,
                                                      num_buckets=buckets, max_distance=distance)
            cases.append({"bidirectional": bidirectional, "num_buckets": buckets, "max_distance": distance,
                          "relative_positions": positions.tolist(), "buckets": b.tolist()})
    with open(os.path.join(OUT, "relative_position_buckets.json"), "w") as f:
        json.dump(cases, f)


def init_fixture():
    stats = {}
    for factor, untied in ((1.0, False), (0.5, True)):
        torch.manual_seed(3)
        config = T5Config(vocab_size=2048, d_model=128, d_kv=32, num_heads=6, d_ff=512, num_layers=2,
                          num_decoder_layers=3, feed_forward_proj="gated-gelu", initializer_factor=factor,
                          tie_word_embeddings=not untied)
        model = T5ForConditionalGeneration(config)
        params = {}
        for name, p in model.state_dict().items():
            if name in ("encoder.embed_tokens.weight", "decoder.embed_tokens.weight") or \
                    (name == "lm_head.weight" and not untied):
                continue
            params[name] = {"mean": float(p.float().mean()), "std": float(p.float().std()), "shape": list(p.shape)}
        if untied:
            # transformers 5 ties every lm_head of a model built from a config; transformers 4 drew an untied
            # one from N(0, factor), which is what init does for presets with their own lm_head.
            head = torch.empty(config.vocab_size, config.d_model).normal_(0, factor)
            params["lm_head.weight"] = {"mean": float(head.mean()), "std": float(head.std()),
                                        "shape": list(head.shape)}
        stats[f"factor={factor}"] = {"config": {"vocab_size": 2048, "d_model": 128, "d_kv": 32, "num_heads": 6,
                                                "d_ff": 512, "num_layers": 2, "num_decoder_layers": 3,
                                                "feed_forward_proj": "gated-gelu", "initializer_factor": factor,
                                                "tie_word_embeddings": not untied, "model_type": "t5"},
                                     "parameters": params}
    with open(os.path.join(OUT, "init_statistics.json"), "w") as f:
        json.dump(stats, f, indent=1)


def dtype_fixture():
    g = torch.Generator().manual_seed(4)
    values = torch.randn(3, 5, generator=g) * 7
    values[0, 0] = 65504.0  # largest finite F16
    values[0, 1] = 1e-7  # F16 subnormal range
    tensors = {"f32": values.clone(), "f16": values.to(torch.float16), "bf16": values.to(torch.bfloat16)}
    save_file(tensors, os.path.join(OUT, "dtypes.safetensors"), metadata={"format": "pt"})
    expected = {k: {"shape": list(t.shape), "values": [float(x) for x in t.float().reshape(-1).tolist()]}
                for k, t in tensors.items()}
    with open(os.path.join(OUT, "dtypes.json"), "w") as f:
        json.dump(expected, f)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for arch_name, arch in ARCHITECTURES.items():
        architecture_fixture(arch_name, arch)
    bucket_fixture()
    init_fixture()
    dtype_fixture()
    print("wrote fixtures to", OUT, file=sys.stderr)
