"""A model folder as transformers writes a larger model: bfloat16 weights in shards with their index.

The trainer fixture's small T5 (training/src/test/resources/fixtures/trainer/model) is loaded, cast to bfloat16 and
saved with save_pretrained(max_shard_size="40kB"), with its tokenizer files, into
models/src/test/resources/fixtures/sharded-bf16/. Also writes shard-index.json there: the shard assignment transformers
makes for the same float32 weights at the same size, for comparing our own sharding with it.
"""
import json
import os
import shutil
import tempfile

import torch
from transformers import T5ForConditionalGeneration

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SOURCE = os.path.join(ROOT, "training", "src", "test", "resources", "fixtures", "trainer", "model")
OUT = os.path.join(ROOT, "models", "src", "test", "resources", "fixtures", "sharded-bf16")


def main():
    torch.manual_seed(0)
    model = T5ForConditionalGeneration.from_pretrained(SOURCE)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    model.to(torch.bfloat16).save_pretrained(OUT, max_shard_size="40kB")
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if os.path.exists(os.path.join(SOURCE, name)):
            shutil.copy(os.path.join(SOURCE, name), OUT)
    with tempfile.TemporaryDirectory() as tmp:
        T5ForConditionalGeneration.from_pretrained(SOURCE).save_pretrained(tmp, max_shard_size="40kB")
        with open(os.path.join(tmp, "model.safetensors.index.json")) as f:
            index = json.load(f)
    with open(os.path.join(OUT, "float32-shard-index.json"), "w") as f:
        json.dump(index, f, indent=1, sort_keys=True)
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
