"""PyTorch's side of the training-step benchmark: Hugging Face T5 of a preset's shape (random weights), the
Trainer's AdamW (torch.optim.AdamW, weight decay 0.01 but not on layer norms or the relative attention bias), global-norm clipping at 1.0,
the same random token batch shape as TrainingStepBenchmark. Prints one JSON line; peak RSS is read by the
caller (/usr/bin/time -v) or from getrusage here.

With a LoRA rank, PEFT's LoraConfig(r, lora_alpha=2r, lora_dropout=DROPOUT, target_modules) wraps the model (bias
"none", PEFT's initialisation) and only the adapter trains, as in TrainingStepBenchmark; AdamW and clipping then
cover the trainable parameters, as the Trainer's do.

    python torch_training_step.py CONFIG_JSON BATCH SOURCE TARGET STEPS THREADS [DROPOUT [LORA_R LORA_TARGETS]]
"""
import json
import resource
import sys
import time

import torch
from transformers import T5Config, T5ForConditionalGeneration, Trainer


def main():
    config_path, batch, source, target, steps, threads = sys.argv[1:7]
    dropout = float(sys.argv[7]) if len(sys.argv) > 7 else 0.0
    lora_r = int(sys.argv[8]) if len(sys.argv) > 8 else 0
    lora_targets = sys.argv[9].split(",") if len(sys.argv) > 9 else ["q", "v"]
    batch, source, target, steps, threads = int(batch), int(source), int(target), int(steps), int(threads)
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    with open(config_path) as f:
        cfg = json.load(f)
    cfg["dropout_rate"] = dropout
    config = T5Config(**cfg)
    model = T5ForConditionalGeneration(config)
    implementation = f"pytorch {torch.__version__} + transformers"
    if lora_r:
        import peft
        from peft import LoraConfig, get_peft_model
        # No task_type: the plain PeftModel forwards the same call; SEQ_2_SEQ_LM's wrapper looks up a generation
        # helper that transformers 5.18 renamed (see scripts/reference/lora_fixtures.py).
        model = get_peft_model(model, LoraConfig(r=lora_r, lora_alpha=2 * lora_r, lora_dropout=dropout,
                                                 target_modules=lora_targets, bias="none"))
        implementation += f" + peft {peft.__version__} lora"
    model.train()
    g = torch.Generator().manual_seed(7)
    ids = torch.randint(2, config.vocab_size, (batch, source), generator=g)
    ids[:, -1] = 1
    mask = torch.ones(batch, source, dtype=torch.long)
    labels = torch.randint(2, config.vocab_size, (batch, target), generator=g)
    labels[:, -1] = 1
    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    decay_names = set(Trainer.get_decay_parameter_names(None, model))  # layer norms and "bias" names excluded
    decay = [p for n, p in trainable if n in decay_names]
    no_decay = [p for n, p in trainable if n not in decay_names]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=1e-4, foreach=False)

    def step():
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for _, p in trainable], 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss.item()

    t0 = time.perf_counter()
    step()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    loss = 0.0
    for _ in range(steps):
        loss = step()
    per_step = (time.perf_counter() - t0) / steps
    row = {"implementation": implementation, "batch": batch, "source": source, "target": target, "threads": threads,
           "first_step_s": round(first, 3), "step_s": round(per_step, 3), "steps": steps, "last_loss": round(loss, 4),
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if lora_r:
        row.update(lora_r=lora_r, lora_target_modules=",".join(lora_targets),
                   trained_parameters=sum(p.numel() for _, p in trainable))
    print(json.dumps(row))


if __name__ == "__main__":
    main()
