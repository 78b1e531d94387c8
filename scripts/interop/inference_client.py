"""Calls our server with huggingface_hub's own InferenceClient, as existing client code does, and checks the answers.

    python inference_client.py URL EXPECTED.json

EXPECTED.json holds {"text", "greedy", "beams"}: what `summarizer summarize` gave the text greedily (12 new tokens)
and with 3 beams (10 new tokens). Exit 0 when every check holds, 1 otherwise.
"""
import json
import sys

from huggingface_hub import InferenceClient
from huggingface_hub.errors import HfHubHTTPError

url, expected_file = sys.argv[1], sys.argv[2]
expected = json.load(open(expected_file))
failures = []


def check(name, got, want):
    if got != want:
        failures.append(f"{name}: got {got!r}, expected {want!r}")
    else:
        print(f"inference_client: {name}: ok")


client = InferenceClient(base_url=url)
out = client.summarization(expected["text"], generate_parameters={"max_new_tokens": 12, "num_beams": 1})
check("base_url, greedy", out.summary_text, expected["greedy"])
out = client.summarization(expected["text"], generate_parameters={"max_new_tokens": 10, "num_beams": 3},
                           truncation="longest_first", clean_up_tokenization_spaces=True)
check("base_url, beams", out.summary_text, expected["beams"])
# A deployment URL as the model, as for an Inference Endpoint.
out = InferenceClient().summarization(expected["text"], model=url + "/models/t5-small",
                                      generate_parameters={"max_new_tokens": 12})
check("model URL, greedy", out.summary_text, expected["greedy"])
try:
    client.summarization(expected["text"], generate_parameters={"top_k": 4})
    failures.append("an unknown generation parameter was accepted")
except HfHubHTTPError as e:
    check("unknown parameter status", e.response.status_code, 400)
    check("unknown parameter message", e.response.json(), {"error": 'unknown generation parameter "parameters.generate_parameters.top_k"'})

for f in failures:
    print("inference_client: " + f, file=sys.stderr)
sys.exit(1 if failures else 0)
