"""Learning-rate schedules as transformers' get_scheduler computes them, for the Java schedule tests.

Writes models/src/test/resources/fixtures/schedules.json: for each scheduler type and a few warmup/total
combinations, the rate the optimizer uses at steps 0..total+1 (step 0 is the first update), base rate 1e-3.
"""
import json
import os

import torch
from transformers import get_scheduler

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "training", "src", "test", "resources", "fixtures", "schedules.json")
BASE_RATE = 1e-3


def rates(kind, warmup, total):
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=BASE_RATE)
    scheduler = get_scheduler(kind, optimizer, num_warmup_steps=warmup, num_training_steps=total)
    out = []
    for _ in range(total + 2):
        out.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    return out


def main():
    cases = []
    for kind in ("linear", "cosine", "constant", "constant_with_warmup"):
        for warmup, total in ((0, 5), (2, 10), (4, 7)):
            cases.append({"type": kind, "warmup_steps": warmup, "total_steps": total, "base_rate": BASE_RATE,
                          "rates": rates(kind, warmup, total)})
    with open(OUT, "w") as f:
        json.dump({"cases": cases}, f, indent=1)
    print(f"{len(cases)} schedules -> {OUT}")


if __name__ == "__main__":
    main()
