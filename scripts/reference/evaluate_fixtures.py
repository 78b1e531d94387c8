"""eval_loss as transformers' Trainer.evaluate() computes it, for the evaluate command to match.

The trainer fixture's model (training/src/test/resources/fixtures/trainer/model) on its validation.jsonl: sources
"summarize: " + dialogue (512 tokens at most), labels the summary (128 at most) padded with -100, batches of 8 in file
order, each batch's mean token loss weighted by its size. Writes training/src/test/resources/fixtures/trainer/eval_loss.json.
"""
import json
import os

import torch
from transformers import AutoTokenizer, T5ForConditionalGeneration

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURE = os.path.join(ROOT, "training", "src", "test", "resources", "fixtures", "trainer")


def main():
    model = T5ForConditionalGeneration.from_pretrained(os.path.join(FIXTURE, "model")).eval()
    tok = AutoTokenizer.from_pretrained(os.path.join(FIXTURE, "model"))
    rows = [json.loads(l) for l in open(os.path.join(FIXTURE, "validation.jsonl"))]
    enc = tok(["summarize: " + r["dialogue"] for r in rows], max_length=512, truncation=True)
    lab = tok(text_target=[r["summary"] for r in rows], max_length=128, truncation=True)
    weighted, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(rows), 8):
            idx = list(range(start, min(len(rows), start + 8)))
            src = max(len(enc["input_ids"][i]) for i in idx)
            tgt = max(len(lab["input_ids"][i]) for i in idx)
            ids = torch.zeros(len(idx), src, dtype=torch.long)
            mask = torch.zeros(len(idx), src, dtype=torch.long)
            labels = torch.full((len(idx), tgt), -100, dtype=torch.long)
            for r, i in enumerate(idx):
                ids[r, : len(enc["input_ids"][i])] = torch.tensor(enc["input_ids"][i])
                mask[r, : len(enc["input_ids"][i])] = 1
                labels[r, : len(lab["input_ids"][i])] = torch.tensor(lab["input_ids"][i])
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss.item()
            weighted += loss * len(idx)
            count += len(idx)
    with open(os.path.join(FIXTURE, "eval_loss.json"), "w") as f:
        json.dump({"eval_loss": weighted / count, "examples": count, "batch_size": 8, "prefix": "summarize: "}, f, indent=1)
    print(weighted / count)


if __name__ == "__main__":
    main()
