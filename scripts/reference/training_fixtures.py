"""Reference values for the training graphs: what PyTorch computes for the two small models of
model_fixtures.py with dropout 0 -- the loss and every parameter's gradient for one batch, and the
parameters after 3 optimizer steps as transformers' Trainer takes them (torch AdamW with weight decay on all
but layer norms and the relative attention bias, linear schedule with warmup, global-norm clipping).

Writes models/src/test/resources/fixtures/<arch>-training.json (inputs, loss, settings) and
<arch>-grads.safetensors, <arch>-after-3-steps.safetensors. Run model_fixtures.py first.
"""
import json
import os

import torch
from safetensors.torch import save_file
from transformers import T5ForConditionalGeneration, Trainer
from transformers.optimization import get_linear_schedule_with_warmup

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The reference models come from model_fixtures.py; what training alone uses is written beside the training tests.
MODELS = os.path.join(ROOT, "models", "src", "test", "resources", "fixtures")
FIXTURES = os.path.join(ROOT, "training", "src", "test", "resources", "fixtures")

SETTINGS = dict(learning_rate=1e-3, weight_decay=0.01, adam_beta1=0.9, adam_beta2=0.999, adam_epsilon=1e-8,
                max_grad_norm=1.0, warmup_steps=2, total_steps=10, steps=3, label_smoothing=0.0)


def batch(generator, vocab, lengths, label_lengths):
    source = max(lengths)
    target = max(label_lengths)
    input_ids = torch.zeros(len(lengths), source, dtype=torch.long)
    mask = torch.zeros(len(lengths), source, dtype=torch.long)
    labels = torch.full((len(lengths), target), -100, dtype=torch.long)
    for i, (n, m) in enumerate(zip(lengths, label_lengths)):
        input_ids[i, : n - 1] = torch.randint(2, vocab, (n - 1,), generator=generator)
        input_ids[i, n - 1] = 1
        mask[i, :n] = 1
        labels[i, : m - 1] = torch.randint(2, vocab, (m - 1,), generator=generator)
        labels[i, m - 1] = 1
    return input_ids, mask, labels


def state(model, tied):
    return {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()
            if k not in ("encoder.embed_tokens.weight", "decoder.embed_tokens.weight")
            and not (tied and k == "lm_head.weight")}


def main():
    for arch, tied in (("relu-tied", True), ("gated-untied", False)):
        model = T5ForConditionalGeneration.from_pretrained(os.path.join(MODELS, arch)).train()
        if tied:
            assert model.lm_head.weight.data_ptr() == model.shared.weight.data_ptr()
        vocab = model.config.vocab_size
        g = torch.Generator().manual_seed(31)
        batches = [batch(g, vocab, [9, 6], [5, 3]), batch(g, vocab, [7, 7], [4, 4]), batch(g, vocab, [5, 8], [6, 2])]

        # One batch: loss and gradients.
        ids, mask, labels = batches[0]
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        first_loss = loss.item()
        loss.backward()
        grads = {}
        for name, p in model.named_parameters():
            grads[name] = p.grad.detach().clone()
        if tied:
            grads.pop("lm_head.weight", None)
        save_file({k: v.contiguous() for k, v in grads.items()}, os.path.join(FIXTURES, arch + "-grads.safetensors"),
                  metadata={"format": "pt"})
        model.zero_grad()

        # Three optimizer steps with the Trainer's grouping, schedule and clipping.
        decay_names = set(Trainer.get_decay_parameter_names(None, model))  # layer norms and "bias" names excluded
        decay = [p for n, p in model.named_parameters() if n in decay_names]
        no_decay = [p for n, p in model.named_parameters() if n not in decay_names]
        optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": SETTINGS["weight_decay"]},
                                       {"params": no_decay, "weight_decay": 0.0}],
                                      lr=SETTINGS["learning_rate"], betas=(SETTINGS["adam_beta1"], SETTINGS["adam_beta2"]),
                                      eps=SETTINGS["adam_epsilon"], foreach=False)
        scheduler = get_linear_schedule_with_warmup(optimizer, SETTINGS["warmup_steps"], SETTINGS["total_steps"])
        steps = []
        for ids, mask, labels in batches[: SETTINGS["steps"]]:
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), SETTINGS["max_grad_norm"])
            rate = scheduler.get_last_lr()[0]
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            steps.append({"loss": loss.item(), "grad_norm": norm.item(), "learning_rate": rate})
        save_file(state(model, tied), os.path.join(FIXTURES, arch + "-after-3-steps.safetensors"), metadata={"format": "pt"})

        fixture = {"model": arch, "settings": SETTINGS,
                   "batches": [{"input_ids": i.tolist(), "attention_mask": m.tolist(), "labels": l.tolist()}
                               for i, m, l in batches],
                   "loss": first_loss, "steps": steps}
        with open(os.path.join(FIXTURES, arch + "-training.json"), "w") as f:
            json.dump(fixture, f, indent=1)
        print(arch, fixture["loss"], steps)


if __name__ == "__main__":
    main()
