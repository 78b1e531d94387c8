"""Which generation settings a Hugging Face summarization pipeline ends up using for a model folder, given its
generation_config.json and config.json's task_specific_params.summarization.

transformers 5 dropped the summarization pipeline class, but its Pipeline base still layers a task's
task_specific_params over the generation config (and takes the prefix from them); a minimal summarization
pipeline on that base shows what the 4.x summarization pipeline did. For each case, a tiny random T5 folder is
written with the case's files, loaded, and generate() is stopped right after it has settled its lengths: what
it records is the effective max/min new tokens, beams, length penalty, n-gram size, early stopping and prefix.
Writes models/src/test/resources/fixtures/generation-defaults.json.
"""
import json
import os
import shutil
import tempfile

from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration
from transformers.pipelines.base import Pipeline

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED_T5 = os.path.join(ROOT, "..", "shared", "t5")
OUT = os.path.join(ROOT, "models", "src", "test", "resources", "fixtures", "generation-defaults.json")

T5_SMALL_TASK = {"early_stopping": True, "length_penalty": 2.0, "max_length": 200, "min_length": 30,
                 "no_repeat_ngram_size": 3, "num_beams": 4, "prefix": "summarize: "}
SPECIAL = {"decoder_start_token_id": 0, "eos_token_id": 1, "pad_token_id": 0}
CASES = [
    ("no generation settings anywhere", None, None),
    ("token ids only", dict(SPECIAL), None),
    ("t5-small: task parameters over a plain generation config", dict(SPECIAL), T5_SMALL_TASK),
    ("generation config lengths and beams", dict(SPECIAL, max_length=60, min_length=10, num_beams=2, length_penalty=0.8,
                                                 no_repeat_ngram_size=2, early_stopping="never"), None),
    ("new-token counts in the generation config", dict(SPECIAL, max_new_tokens=50, min_new_tokens=5, max_length=30), None),
    ("new-token counts stay when the task sets total lengths", dict(SPECIAL, max_new_tokens=50, min_new_tokens=5),
     {"max_length": 100, "min_length": 20, "num_beams": 3}),
    ("task new-token counts over generation config lengths", dict(SPECIAL, max_length=60, num_beams=5),
     {"max_new_tokens": 40, "early_stopping": False, "prefix": "tl;dr: "}),
]


class Settled(Exception):
    pass


class SummarizationPipeline(Pipeline):
    _pipeline_calls_generate = True

    def _sanitize_parameters(self, **kwargs):
        return {}, {}, {}

    def preprocess(self, text):
        return self.tokenizer((self.prefix or "") + text, return_tensors="pt")

    def _forward(self, inputs):
        return self.model.generate(**inputs, generation_config=self.generation_config)

    def postprocess(self, outputs):
        return outputs


def effective(folder):
    summarizer = SummarizationPipeline(model=T5ForConditionalGeneration.from_pretrained(folder),
                                       tokenizer=AutoTokenizer.from_pretrained(folder), task="summarization")
    model = summarizer.model
    original = model._prepare_generated_length
    seen = {}

    def capture(generation_config, has_default_max_length, has_default_min_length, model_input_name, input_ids_length,
                inputs_tensor):
        original(generation_config, has_default_max_length, has_default_min_length, model_input_name, input_ids_length,
                 inputs_tensor)
        # An encoder-decoder's lengths count the decoder start token (input_ids_length is 1 here).
        seen.update(max_new_tokens=generation_config.max_length - input_ids_length,
                    min_new_tokens=max(0, (generation_config.min_length or 0) - input_ids_length),
                    num_beams=generation_config.num_beams, length_penalty=generation_config.length_penalty,
                    no_repeat_ngram_size=generation_config.no_repeat_ngram_size or 0,
                    early_stopping=generation_config.early_stopping)
        raise Settled()

    model._prepare_generated_length = capture
    try:
        summarizer("Anna: Lunch at noon?\nBen: Sure!")
    except Settled:
        pass
    seen["prefix"] = summarizer.prefix or ""
    if seen["early_stopping"] not in (True, False):
        seen["early_stopping"] = str(seen["early_stopping"])
    return seen


def main():
    rows = []
    for name, generation_config, task in CASES:
        with tempfile.TemporaryDirectory() as folder:
            config = T5Config(vocab_size=32128, d_model=8, d_kv=4, d_ff=16, num_layers=1, num_heads=2, **SPECIAL)
            if task is not None:
                config.task_specific_params = {"summarization": dict(task)}
            T5ForConditionalGeneration(config).save_pretrained(folder)
            path = os.path.join(folder, "generation_config.json")
            if generation_config is None:
                os.remove(path)
            else:
                with open(path, "w") as f:
                    json.dump(generation_config, f)
            for file in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "spiece.model"):
                shutil.copy(os.path.join(SHARED_T5, file), folder)
            rows.append({"case": name, "generation_config": generation_config, "task_specific_params": task,
                         "expected": effective(folder)})
            print(rows[-1]["case"], rows[-1]["expected"])
    with open(OUT, "w") as f:
        json.dump({"cases": rows}, f, indent=1)


if __name__ == "__main__":
    main()
