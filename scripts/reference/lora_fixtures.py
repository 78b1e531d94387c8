"""Reference run of LoRA fine-tuning with PEFT's semantics: the two reference models of model_fixtures.py, with
a PEFT LoRA adapter (r 4, alpha 8, dropout 0, bias "none"), trained for 8 optimizer steps on the trainer
fixture's corpus and tokenizer with the same Trainer semantics as trainer_fixtures.py (file order, dropout 0,
batch 4, 2 accumulation steps, linear warmup 2, rate 3e-3, torch AdamW with weight decay 0.01 on the
Trainer's decay grouping of the trainable parameters, clipping at 1.0 over the trainable parameters,
loss = micro-batch mean token cross-entropy / accumulation steps).

Targets: ["q", "v"] for relu-tied, ["q", "k", "v", "o", "wi_0", "wi_1", "wo"] for gated-untied.

The starting adapter is NOT PEFT's default start: lora_A is initialised by PEFT itself (kaiming-uniform,
seeded with torch.manual_seed(LORA_SEED) before get_peft_model), but lora_B is then overwritten with seeded
normal * 0.02 values instead of PEFT's zeros, so that both A and B get non-zero gradients from the first
step (with B = 0 the gradient of A is exactly zero). The Java side loads this adapter with --lora-adapter.

The base weights and the tokenizer are read from the existing fixtures and not copied here:
models/src/test/resources/fixtures/<arch>/ and training/src/test/resources/fixtures/trainer/{train.jsonl,model/}.

Writes training/src/test/resources/fixtures/lora/:
  <arch>/initial_adapter/            adapter_config.json, adapter_model.safetensors (PeftModel.save_pretrained)
  <arch>/final_adapter/              the same after the 8 steps
  <arch>/expected.json               settings, LoRA config, scaling, first micro-batch (ids, labels, loss),
                                     per step loss / learning_rate / grad_norm (before clipping)
  <arch>/first-batch-grads.safetensors  d(first micro-batch mean loss)/d(adapter tensor), not divided by
                                     the accumulation steps, keyed by PEFT's saved adapter key names
  <arch>/merged.safetensors          merge_and_unload() of the final adapter: the targeted weights only,
                                     under the base model's HF tensor names
  init_statistics.json               PEFT's default lora_A / lora_B initialisation on t5-small-like shapes
"""
import json
import math
import os
import shutil

import peft
import torch
import transformers
from peft import LoraConfig, PeftModel, get_peft_model, get_peft_model_state_dict
from peft.utils.constants import TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING
from safetensors.torch import load_file, save_file
from transformers import PreTrainedTokenizerFast, T5Config, T5ForConditionalGeneration, Trainer
from transformers.optimization import get_linear_schedule_with_warmup

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODEL_FIXTURES = os.path.join(ROOT, "models", "src", "test", "resources", "fixtures")
TRAINER = os.path.join(ROOT, "training", "src", "test", "resources", "fixtures", "trainer")
OUT = os.path.join(ROOT, "training", "src", "test", "resources", "fixtures", "lora")

# The trainer fixture's settings (checked against its expected.json below); its seed made that fixture's model
# and is not used here.
SETTINGS = dict(learning_rate=3e-3, weight_decay=0.01, adam_beta1=0.9, adam_beta2=0.999, adam_epsilon=1e-8,
                max_grad_norm=1.0, warmup_steps=2, max_steps=8, per_device_train_batch_size=4,
                gradient_accumulation_steps=2, source_prefix="summarize: ", max_source_length=40, max_target_length=16,
                text_column="dialogue", summary_column="summary", shuffle=False, dropout=0.0)
LORA = dict(r=4, lora_alpha=8, lora_dropout=0.0, bias="none", task_type="SEQ_2_SEQ_LM")
TARGETS = {"relu-tied": ["q", "v"], "gated-untied": ["q", "k", "v", "o", "wi_0", "wi_1", "wo"]}
LORA_SEED = 13      # torch.manual_seed before get_peft_model: PEFT's kaiming-uniform lora_A
B_SEED = 17         # torch.Generator for lora_B = normal * B_STD
B_STD = 0.02

# PEFT 0.21.0's PeftModelForSeq2SeqLM.__init__ reads base_model._prepare_encoder_decoder_kwargs_for_generation,
# which transformers 5.18 renamed to _prepare_text_encoder_decoder_kwargs_for_generation, so get_peft_model with
# task_type SEQ_2_SEQ_LM fails. The alias only matters to generate(), which nothing here calls.
if not hasattr(T5ForConditionalGeneration, "_prepare_encoder_decoder_kwargs_for_generation"):
    T5ForConditionalGeneration._prepare_encoder_decoder_kwargs_for_generation = \
        T5ForConditionalGeneration._prepare_text_encoder_decoder_kwargs_for_generation


def load_rows():
    with open(os.path.join(TRAINER, "train.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def load_tokenizer():
    return PreTrainedTokenizerFast(tokenizer_file=os.path.join(TRAINER, "model", "tokenizer.json"),
                                   pad_token="<pad>", eos_token="</s>", unk_token="<unk>")


def make_collate(fast, rows):
    """trainer_fixtures.py's tokenization, truncation and padding, verbatim."""
    s = SETTINGS
    enc = fast([s["source_prefix"] + r[s["text_column"]] for r in rows], max_length=s["max_source_length"],
               truncation=True)
    lab = fast(text_target=[r[s["summary_column"]] for r in rows], max_length=s["max_target_length"], truncation=True)

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

    return collate


def adapter_keys(peft_model):
    """Parameter name in the live PeftModel -> key PEFT writes to adapter_model.safetensors."""
    saved = get_peft_model_state_dict(peft_model)
    live = {n: p for n, p in peft_model.named_parameters() if p.requires_grad}
    mapping = {n: n.replace(".default.", ".") for n in live}
    assert set(mapping.values()) == set(saved), (sorted(mapping.values())[:3], sorted(saved)[:3])
    return mapping


def save_adapter(peft_model, directory):
    peft_model.save_pretrained(directory)
    # save_pretrained also writes a model card README.md; the adapter is the two files DESIGN.md names.
    readme = os.path.join(directory, "README.md")
    if os.path.exists(readme):
        os.remove(readme)
    assert sorted(os.listdir(directory)) == ["adapter_config.json", "adapter_model.safetensors"], os.listdir(directory)


def run(arch, fast, rows):
    out = os.path.join(OUT, arch)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    s = SETTINGS
    base_dir = os.path.join(MODEL_FIXTURES, arch)
    model = T5ForConditionalGeneration.from_pretrained(base_dir)
    assert model.config.dropout_rate == 0.0
    base_state = load_file(os.path.join(base_dir, "model.safetensors"))
    model.name_or_path = "models/src/test/resources/fixtures/" + arch   # not this machine's absolute path

    config = LoraConfig(target_modules=TARGETS[arch], **LORA)
    torch.manual_seed(LORA_SEED)
    peft_model = get_peft_model(model, config)
    g = torch.Generator().manual_seed(B_SEED)
    with torch.no_grad():
        for name, p in peft_model.named_parameters():
            if ".lora_B." in name:
                p.copy_(torch.randn(p.shape, generator=g) * B_STD)
    peft_model.train()
    scaling = LORA["lora_alpha"] / LORA["r"]
    keys = adapter_keys(peft_model)
    save_adapter(peft_model, os.path.join(out, "initial_adapter"))
    initial = {k: v.clone() for k, v in get_peft_model_state_dict(peft_model).items()}

    trainable = [(n, p) for n, p in peft_model.named_parameters() if p.requires_grad]
    assert all(".lora_A." in n or ".lora_B." in n for n, _ in trainable)
    collate = make_collate(fast, rows)
    bs, accum = s["per_device_train_batch_size"], s["gradient_accumulation_steps"]
    batches = [list(range(i, min(len(rows), i + bs))) for i in range(0, len(rows), bs)]

    # The first micro-batch alone: its loss and the gradient of every adapter tensor.
    ids, mask, labels = collate(batches[0])
    decoder_input_ids = model._shift_right(labels)
    first_loss = peft_model(input_ids=ids, attention_mask=mask, labels=labels).loss
    first_loss.backward()
    grads = {keys[n]: p.grad.detach().clone().contiguous() for n, p in trainable}
    assert all(g.abs().max() > 0 for g in grads.values())
    save_file(grads, os.path.join(out, "first-batch-grads.safetensors"), metadata={"format": "pt"})
    peft_model.zero_grad(set_to_none=True)

    # The Trainer's optimizer: decay grouping by name, restricted to trainable parameters.
    decay_names = set(Trainer.get_decay_parameter_names(None, peft_model))
    decay = [p for n, p in trainable if n in decay_names]
    no_decay = [p for n, p in trainable if n not in decay_names]
    assert not no_decay  # lora_A / lora_B names carry no "bias" and no norm
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": s["weight_decay"]},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=s["learning_rate"],
                                  betas=(s["adam_beta1"], s["adam_beta2"]), eps=s["adam_epsilon"], foreach=False)
    scheduler = get_linear_schedule_with_warmup(optimizer, s["warmup_steps"], s["max_steps"])
    steps = []
    b = 0
    for step in range(s["max_steps"]):
        losses = []
        for _ in range(accum):
            ids_, mask_, labels_ = collate(batches[b % len(batches)])
            b += 1
            loss = peft_model(input_ids=ids_, attention_mask=mask_, labels=labels_).loss
            (loss / accum).backward()
            losses.append(loss.item())
        norm = torch.nn.utils.clip_grad_norm_([p for _, p in trainable], s["max_grad_norm"])
        rate = scheduler.get_last_lr()[0]
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        steps.append({"step": step + 1, "loss": sum(losses) / len(losses), "learning_rate": rate,
                      "grad_norm": norm.item()})
    peft_model.eval()
    save_adapter(peft_model, os.path.join(out, "final_adapter"))
    final = get_peft_model_state_dict(peft_model)
    with torch.no_grad():
        adapter_logits = peft_model(input_ids=ids, attention_mask=mask, labels=labels).logits

    # Reload the saved adapter on a fresh base model to make sure the files are what was trained.
    reloaded = PeftModel.from_pretrained(T5ForConditionalGeneration.from_pretrained(base_dir),
                                         os.path.join(out, "final_adapter"))
    for k, v in get_peft_model_state_dict(reloaded).items():
        assert torch.equal(v, final[k]), k

    merged_model = peft_model.merge_and_unload()
    merged_state = merged_model.state_dict()
    merged = {}
    for module_name, module in merged_model.named_modules():
        if module_name.split(".")[-1] in TARGETS[arch]:
            name = module_name + ".weight"
            key = "base_model.model." + module_name
            delta = final[key + ".lora_B.weight"] @ final[key + ".lora_A.weight"] * scaling
            assert torch.allclose(merged_state[name], base_state[name] + delta, atol=1e-6), name
            merged[name] = merged_state[name].detach().clone().contiguous()
    assert len(merged) * 2 == len(final)
    with torch.no_grad():
        merged_logits = merged_model(input_ids=ids, attention_mask=mask, labels=labels).logits
    merge_error = (merged_logits - adapter_logits).abs().max().item()
    assert merge_error < 1e-4, merge_error
    save_file(merged, os.path.join(out, "merged.safetensors"), metadata={"format": "pt"})

    moved = {k: (final[k] - initial[k]).abs().max().item() for k in final}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({
            "model": arch,
            "base_model": "models/src/test/resources/fixtures/" + arch,
            "data": "models/src/test/resources/fixtures/trainer/train.jsonl",
            "tokenizer": "models/src/test/resources/fixtures/trainer/model/tokenizer.json",
            "settings": s,
            "lora": dict(LORA, target_modules=TARGETS[arch], scaling=scaling,
                         lora_A_init="PEFT default (kaiming_uniform_, a=sqrt(5)), torch.manual_seed(%d) "
                                     "before get_peft_model" % LORA_SEED,
                         lora_B_init="normal * %g from torch.Generator().manual_seed(%d), in named_parameters "
                                     "order (not PEFT's zeros)" % (B_STD, B_SEED)),
            "merge": "W_merged = W + scaling * lora_B.weight @ lora_A.weight, scaling = lora_alpha / r",
            "first_batch": {"rows": batches[0], "input_ids": ids.tolist(), "attention_mask": mask.tolist(),
                            "labels": labels.tolist(), "decoder_input_ids": decoder_input_ids.tolist(),
                            "loss": first_loss.item(),
                            "grads": "first-batch-grads.safetensors: gradient of this loss (not divided by the "
                                     "accumulation steps) per adapter key"},
            "steps": steps,
            "max_merge_logit_difference": merge_error,
            "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                         "peft": peft.__version__},
        }, f, indent=1)
    print(arch, "first loss %.6f" % first_loss.item())
    for st in steps:
        print("  step %d loss %.6f lr %.6g grad_norm %.6f" % (st["step"], st["loss"], st["learning_rate"],
                                                               st["grad_norm"]))
    print("  largest change of an adapter tensor %.4g, smallest %.4g; merged-vs-adapter logits %.2g"
          % (max(moved.values()), min(moved.values()), merge_error))


def init_statistics():
    """PEFT's default LoRA initialisation on t5-small-like shapes (d_model 512, d_ff 2048), r 8."""
    torch.manual_seed(0)
    config = T5Config(vocab_size=64, d_model=512, d_kv=64, num_heads=8, d_ff=2048, num_layers=2,
                      num_decoder_layers=2, feed_forward_proj="relu", dropout_rate=0.0)
    model = T5ForConditionalGeneration(config)
    torch.manual_seed(1234)
    peft_model = get_peft_model(model, LoraConfig(task_type="SEQ_2_SEQ_LM", target_modules=["q", "v", "wo"]))
    cfg = peft_model.peft_config["default"]
    assert cfg.r == 8  # LoraConfig's default
    groups = {}
    for name, p in peft_model.named_parameters():
        if ".lora_A." in name:
            groups.setdefault(p.shape[1], []).append(p.detach().flatten())
        if ".lora_B." in name:
            assert torch.count_nonzero(p) == 0, name
    stats = []
    for fan_in, tensors in sorted(groups.items()):
        x = torch.cat(tensors).double()
        gain = math.sqrt(2.0 / (1 + 5))            # kaiming gain for leaky_relu with a = sqrt(5)
        std = gain / math.sqrt(fan_in)
        bound = math.sqrt(3.0) * std               # = 1 / sqrt(fan_in)
        stats.append({"in_features": fan_in, "lora_A_shape": [cfg.r, fan_in], "tensors": len(tensors),
                      "samples": x.numel(), "bound": bound, "uniform_std": bound / math.sqrt(3.0),
                      "min": x.min().item(), "max": x.max().item(), "mean": x.mean().item(), "std": x.std().item()})
    return {
        "peft": peft.__version__,
        "lora_config": {"r": cfg.r, "lora_alpha": cfg.lora_alpha, "lora_dropout": cfg.lora_dropout, "bias": cfg.bias,
                        "target_modules": sorted(cfg.target_modules), "init_lora_weights": cfg.init_lora_weights,
                        "note": "LoraConfig's defaults except target_modules"},
        "default_target_modules_t5": TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING["t5"],
        "lora_A": {"init": "torch.nn.init.kaiming_uniform_(lora_A.weight, a=math.sqrt(5)) on weight [r, in_features]"
                           " (init_lora_weights=True, the default): U(-bound, bound), bound = gain * sqrt(3 / fan_in),"
                           " gain = sqrt(2 / (1 + a^2)) = sqrt(1/3), so bound = 1 / sqrt(in_features)",
                   "stats": stats},
        "lora_B": {"init": "torch.nn.init.zeros_(lora_B.weight) on weight [out_features, r]", "all_zero": True},
        "scaling": "lora_alpha / r (use_rslora=False); lora_alpha / sqrt(r) with use_rslora=True",
    }


def main():
    with open(os.path.join(TRAINER, "expected.json")) as f:
        trainer_settings = json.load(f)["settings"]
    for k, v in trainer_settings.items():
        assert k == "seed" or SETTINGS[k] == v, (k, v)
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    fast, rows = load_tokenizer(), load_rows()
    for arch in TARGETS:
        run(arch, fast, rows)
    with open(os.path.join(OUT, "init_statistics.json"), "w") as f:
        json.dump(init_statistics(), f, indent=1)


if __name__ == "__main__":
    main()
