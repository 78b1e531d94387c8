#!/usr/bin/env python3
"""Optional cross-check: the same greedy generation with Hugging Face transformers (PyTorch).

Reads the same input rows as generate.mjs ({"text": ...} or {"input_ids": [...]}) and writes the same
output rows ({"summary": ..., "token_ids": [...]}) from
T5ForConditionalGeneration.from_pretrained(model).generate(do_sample=False, num_beams=1, ...).
With --compare OTHER.jsonl it then checks that OTHER (e.g. generate.mjs's output) has identical
token_ids row by row, and exits 1 when it does not.

Needs torch and transformers (not installed by run.sh). Exit codes: 0 ok, 1 mismatch, 2 bad input.
"""
import argparse
import json
import sys


def read_rows(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if "input_ids" in row:
                rows.append({"input_ids": [int(x) for x in row["input_ids"]]})
            elif isinstance(row.get("text"), str):
                rows.append({"text": row["text"]})
            else:
                raise ValueError(f'{path}:{number}: expected "text" or "input_ids"')
    return rows


def generated_ids(sequence, config):
    ids = [int(x) for x in sequence]
    if ids[0] != config.decoder_start_token_id:
        raise ValueError(f"sequence starts with {ids[0]}, not decoder_start_token_id")
    out = ids[1:]
    eos = config.eos_token_id if isinstance(config.eos_token_id, list) else [config.eos_token_id]
    # Rows that ended early are padded after their EOS; cut there.
    for i, token in enumerate(out):
        if token in eos:
            return out[: i + 1]
    return out


def generate(args):
    import torch
    from transformers import AutoTokenizer, T5ForConditionalGeneration

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = T5ForConditionalGeneration.from_pretrained(args.model).eval()
    prefix = args.prefix
    if prefix is None:
        task_params = getattr(model.config, "task_specific_params", None) or {}
        prefix = (task_params.get("summarization") or {}).get("prefix", "")
    pad = model.config.pad_token_id

    results = []
    rows = read_rows(args.input)
    for start in range(0, len(rows), args.batch_size):
        batch = rows[start : start + args.batch_size]
        encoded = [
            row["input_ids"]
            if "input_ids" in row
            else tokenizer(prefix + row["text"], truncation=True, max_length=args.max_source_length).input_ids
            for row in batch
        ]
        width = max(len(ids) for ids in encoded)
        input_ids = torch.tensor([ids + [pad] * (width - len(ids)) for ids in encoded])
        attention_mask = torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids in encoded])
        with torch.no_grad():
            sequences = model.generate(
                input_ids=input_ids,
                attention_mask=attention_mask,
                do_sample=False,
                num_beams=1,
                max_new_tokens=args.max_new_tokens,
            )
        for ids, sequence in zip(encoded, sequences.tolist()):
            token_ids = generated_ids(sequence, model.config)
            row = {"summary": tokenizer.decode(token_ids, skip_special_tokens=True), "token_ids": token_ids}
            if args.echo_input_ids:
                row["input_ids"] = ids
            results.append(row)

    with open(args.output, "w", encoding="utf-8") as f:
        for row in results:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return results


def compare(expected, path):
    actual = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    if len(actual) != len(expected):
        print(f"compare: {path} has {len(actual)} rows, expected {len(expected)}", file=sys.stderr)
        return False
    id_mismatches = [i for i, (e, a) in enumerate(zip(expected, actual)) if e["token_ids"] != a["token_ids"]]
    input_mismatches = [i for i, (e, a) in enumerate(zip(expected, actual))
                        if "input_ids" in e and "input_ids" in a and e["input_ids"] != a["input_ids"]]
    for i in input_mismatches[:5]:
        print(f"row {i}: input_ids differ (tokenizers disagree)", file=sys.stderr)
    text_mismatches = [i for i, (e, a) in enumerate(zip(expected, actual)) if e["summary"] != a["summary"]]
    for i in id_mismatches[:5]:
        print(f"row {i}: token_ids differ\n  hf:    {expected[i]['token_ids']}\n  other: {actual[i]['token_ids']}",
              file=sys.stderr)
    for i in text_mismatches[:5]:
        print(f"row {i}: summary differs (decoding only)\n  hf:    {expected[i]['summary']!r}\n"
              f"  other: {actual[i]['summary']!r}", file=sys.stderr)
    tokens = sum(len(e["token_ids"]) for e in expected)
    print(f"compare: {len(expected) - len(id_mismatches)}/{len(expected)} rows with identical token_ids "
          f"({tokens} tokens), {len(expected) - len(text_mismatches)}/{len(expected)} identical summaries")
    return not id_mismatches and not input_mismatches


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--max-new-tokens", type=int, required=True)
    parser.add_argument("--max-source-length", type=int, default=512)
    parser.add_argument("--prefix", default=None)
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument("--echo-input-ids", action="store_true", help="also write the encoder input ids")
    parser.add_argument("--compare", metavar="OTHER.jsonl", help="check OTHER's token_ids against ours")
    args = parser.parse_args()
    try:
        expected = generate(args)
    except (OSError, ValueError) as e:
        print(f"hf_generate.py: {e}", file=sys.stderr)
        sys.exit(2)
    if args.compare and not compare(expected, args.compare):
        sys.exit(1)


if __name__ == "__main__":
    main()
