"""Reference run of the training loop: a small T5 trained for 8 optimizer steps by a PyTorch loop with the
Trainer semantics DESIGN.md fixes (file order, dropout 0, batch 4, 2 accumulation steps, linear warmup 2,
AdamW with weight decay 0.01 not on layer norms or the relative attention bias, clipping at 1.0, loss = micro-batch mean / accumulation).

Everything is made here, so nothing depends on downloaded data: synthetic dialogues, a word-level
tokenizer.json over them, and a randomly initialised model. Writes training/src/test/resources/fixtures/trainer/:
  model/            the starting model folder (config, weights, tokenizer files)
  train.jsonl       64 {"dialogue", "summary"} rows
  validation.jsonl  16 rows
  expected.json     the settings and, per optimizer step, loss (mean of its micro-batch losses), rate, grad norm
  final.safetensors the parameters after the 8 steps
"""
import json
import os
import random

import torch
from safetensors.torch import save_file
from tokenizers import Tokenizer, models, pre_tokenizers, processors, decoders
from transformers import PreTrainedTokenizerFast, T5Config, T5ForConditionalGeneration, Trainer
from transformers.optimization import get_linear_schedule_with_warmup

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "training", "src", "test", "resources", "fixtures", "trainer")

SETTINGS = dict(learning_rate=3e-3, weight_decay=0.01, adam_beta1=0.9, adam_beta2=0.999, adam_epsilon=1e-8,
                max_grad_norm=1.0, warmup_steps=2, max_steps=8, per_device_train_batch_size=4,
                gradient_accumulation_steps=2, source_prefix="summarize: ", max_source_length=40, max_target_length=16,
                seed=5)

NAMES = ["Anna", "Ben", "Carla", "David", "Emma", "Felix", "Grace", "Hugo"]
PLACES = ["the station", "the library", "the cafe", "the park", "the office", "the cinema"]
TIMES = ["at noon", "at six", "tomorrow morning", "on Friday", "after lunch", "tonight"]
PLANS = [("meet", "will meet"), ("study", "will study"), ("have dinner", "will have dinner"), ("go running", "will go running")]


def dialogue(rng):
    a, b = rng.sample(NAMES, 2)
    place, time = rng.choice(PLACES), rng.choice(TIMES)
    plan, planned = rng.choice(PLANS)
    agree = rng.random() < 0.7
    lines = [f"{a}: Do you want to {plan} at {place} {time}?"]
    if agree:
        lines.append(f"{b}: Sure, see you at {place}.")
        summary = f"{a} and {b} {planned} at {place} {time}."
    else:
        lines.append(f"{b}: Sorry, I can't {time}.")
        summary = f"{b} can't {plan} with {a} {time}."
    if rng.random() < 0.5:
        lines.append(f"{a}: OK, thanks!")
    return {"dialogue": "\n".join(lines), "summary": summary}


def build_tokenizer(texts):
    words = set()
    pre = pre_tokenizers.Whitespace()
    for t in texts:
        for w, _ in pre.pre_tokenize_str(t):
            words.add(w)
    vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2}
    for w in sorted(words):
        vocab[w] = len(vocab)
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", pair="$A </s> $B </s>",
                                                       special_tokens=[("</s>", 1)])
    tok.decoder = decoders.WordPiece(prefix="##")
    tok.add_special_tokens(["<pad>", "</s>", "<unk>"])
    return tok


def main():
    os.makedirs(os.path.join(OUT, "model"), exist_ok=True)
    rng = random.Random(11)
    train = [dialogue(rng) for _ in range(64)]
    validation = [dialogue(rng) for _ in range(16)]
    for name, rows in (("train.jsonl", train), ("validation.jsonl", validation)):
        with open(os.path.join(OUT, name), "w") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")
    texts = [SETTINGS["source_prefix"] + r["dialogue"] for r in train + validation] + [r["summary"] for r in train + validation]
    tok = build_tokenizer(texts)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")
    fast.save_pretrained(os.path.join(OUT, "model"))

    torch.manual_seed(SETTINGS["seed"])
    config = T5Config(vocab_size=tok.get_vocab_size(), d_model=32, d_kv=8, num_heads=4, d_ff=64, num_layers=2,
                      num_decoder_layers=2, dropout_rate=0.0, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
    model = T5ForConditionalGeneration(config)
    model.save_pretrained(os.path.join(OUT, "model"))
    model.train()

    s = SETTINGS
    enc = fast([s["source_prefix"] + r["dialogue"] for r in train], max_length=s["max_source_length"], truncation=True)
    lab = fast(text_target=[r["summary"] for r in train], max_length=s["max_target_length"], truncation=True)

    def collate(indices):
        src = max(len(enc["input_ids"][i]) for i in indices)
        tgt = max(len(lab["input_ids"][i]) for i in indices)
        ids = torch.zeros(len(indices), src, dtype=torch.long)
        mask = torch.zeros(len(indices), src, dtype=torch.long)
        labels = torch.full((len(indices), tgt), -100, dtype=torch.long)
        for r, i in enumerate(indices):
            ids[r, : len(enc["input_ids"][i])] = torch.tensor(enc["input_ids"][i])
            mask[r, : len(enc["input_ids"][i])] = 1
            labels[r, : len(lab["input_ids"][i])] = torch.tensor(lab["input_ids"][i])
        return ids, mask, labels

    decay_names = set(Trainer.get_decay_parameter_names(None, model))  # layer norms and "bias" names excluded
    decay = [p for n, p in model.named_parameters() if n in decay_names]
    no_decay = [p for n, p in model.named_parameters() if n not in decay_names]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": s["weight_decay"]},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=s["learning_rate"],
                                  betas=(s["adam_beta1"], s["adam_beta2"]), eps=s["adam_epsilon"], foreach=False)
    scheduler = get_linear_schedule_with_warmup(optimizer, s["warmup_steps"], s["max_steps"])
    bs, accum = s["per_device_train_batch_size"], s["gradient_accumulation_steps"]
    batches = [list(range(i, min(len(train), i + bs))) for i in range(0, len(train), bs)]
    steps = []
    b = 0
    for step in range(s["max_steps"]):
        losses = []
        for _ in range(accum):
            ids, mask, labels = collate(batches[b % len(batches)])
            b += 1
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            (loss / accum).backward()
            losses.append(loss.item())
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), s["max_grad_norm"])
        rate = scheduler.get_last_lr()[0]
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        steps.append({"step": step + 1, "loss": sum(losses) / len(losses), "learning_rate": rate,
                      "grad_norm": norm.item()})
    state = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()
             if k not in ("encoder.embed_tokens.weight", "decoder.embed_tokens.weight", "lm_head.weight")}
    save_file(state, os.path.join(OUT, "final.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"settings": s, "steps": steps}, f, indent=1)
    print(json.dumps(steps[-1]), "vocab", tok.get_vocab_size())


if __name__ == "__main__":
    main()
