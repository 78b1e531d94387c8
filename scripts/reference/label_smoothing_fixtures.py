"""Label smoothing as the Hugging Face Trainer applies it (transformers' LabelSmoother, epsilon 0.1): the loss
and every parameter's gradient for the first batch of training_fixtures.py, dropout 0, both small models.

Writes models/src/test/resources/fixtures/<arch>-smoothing.json and <arch>-smoothing-grads.safetensors.
Run model_fixtures.py and training_fixtures.py first.
"""
import json
import os

import torch
from safetensors.torch import save_file
from transformers import T5ForConditionalGeneration
from transformers.trainer_pt_utils import LabelSmoother

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The reference models come from model_fixtures.py; what training alone uses is written beside the training tests.
MODELS = os.path.join(ROOT, "models", "src", "test", "resources", "fixtures")
FIXTURES = os.path.join(ROOT, "training", "src", "test", "resources", "fixtures")
EPSILON = 0.1


def main():
    for arch, tied in (("relu-tied", True), ("gated-untied", False)):
        model = T5ForConditionalGeneration.from_pretrained(os.path.join(MODELS, arch)).train()
        with open(os.path.join(FIXTURES, arch + "-training.json")) as f:
            first = json.load(f)["batches"][0]
        ids, mask, labels = (torch.tensor(first[k]) for k in ("input_ids", "attention_mask", "labels"))
        # The Trainer takes the labels out of the inputs and smooths the loss over the model's logits; the
        # decoder inputs are the labels shifted right, as the seq2seq collator prepares them.
        outputs = model(input_ids=ids, attention_mask=mask, decoder_input_ids=model._shift_right(labels))
        loss = LabelSmoother(epsilon=EPSILON)(outputs, labels)
        loss.backward()
        grads = {n: p.grad.detach().clone().contiguous() for n, p in model.named_parameters()}
        if tied:
            grads.pop("lm_head.weight", None)
        save_file(grads, os.path.join(FIXTURES, arch + "-smoothing-grads.safetensors"), metadata={"format": "pt"})
        with open(os.path.join(FIXTURES, arch + "-smoothing.json"), "w") as f:
            json.dump({"label_smoothing": EPSILON, "loss": loss.item()}, f, indent=1)
        print(arch, loss.item())


if __name__ == "__main__":
    main()
