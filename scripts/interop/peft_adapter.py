"""Loads a LoRA run's adapter with PEFT and checks it against the run's merged model.

    python peft_adapter.py BASE_MODEL_DIR OUTPUT_DIR

OUTPUT_DIR is a `train --use-peft` output folder: PeftModel.from_pretrained(BASE, OUTPUT_DIR/adapter) must load the
adapter with every factor in place, and its logits on a fixed batch must equal those of OUTPUT_DIR/final (the base
with the adapter merged in) to 1e-4 of their scale. Needs torch, transformers and peft (scripts/reference/.venv has
them); prints one JSON line and exits 1 when the two disagree.
"""
import json
import os
import sys

import torch
from peft import PeftModel
from transformers import T5ForConditionalGeneration

# PEFT 0.21.0's seq2seq wrapper (task_type SEQ_2_SEQ_LM, which PEFT's own T5 adapters carry too) looks up a generation
# helper that transformers 5.18 renamed; the alias only matters to generate(). See scripts/reference/lora_fixtures.py.
if not hasattr(T5ForConditionalGeneration, "_prepare_encoder_decoder_kwargs_for_generation"):
    T5ForConditionalGeneration._prepare_encoder_decoder_kwargs_for_generation = \
        T5ForConditionalGeneration._prepare_text_encoder_decoder_kwargs_for_generation


def main():
    base_dir, output_dir = sys.argv[1:3]
    adapter_dir = os.path.join(output_dir, "adapter")
    adapted = PeftModel.from_pretrained(T5ForConditionalGeneration.from_pretrained(base_dir), adapter_dir).eval()
    merged = T5ForConditionalGeneration.from_pretrained(os.path.join(output_dir, "final")).eval()
    vocab = merged.config.vocab_size
    g = torch.Generator().manual_seed(3)
    input_ids = torch.randint(2, vocab, (2, 12), generator=g)
    decoder_input_ids = torch.cat([torch.zeros(2, 1, dtype=torch.long), torch.randint(2, vocab, (2, 5), generator=g)], 1)
    with torch.no_grad():
        a = adapted(input_ids=input_ids, decoder_input_ids=decoder_input_ids).logits
        b = merged(input_ids=input_ids, decoder_input_ids=decoder_input_ids).logits
    config = adapted.peft_config["default"]
    difference = (a - b).abs().max().item()
    scale = a.abs().max().item()
    ok = difference <= 1e-4 * max(scale, 1.0)
    print(json.dumps({"adapter": adapter_dir, "r": config.r, "lora_alpha": config.lora_alpha,
                      "target_modules": sorted(config.target_modules), "max_logit_difference": difference,
                      "logit_scale": scale, "ok": ok}))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
