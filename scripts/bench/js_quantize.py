"""transformers.js's own q8 files from a float32 export, as its conversion script makes them: ONNX Runtime's
dynamic quantization (MatMulInteger over uint8 weights, activations quantized at run time), If branches included.
Our graphs multiply by Transpose(W) with W in Hugging Face's [out, in] layout, where an Optimum export stores the
transposed weight; quantize_dynamic only quantizes a MatMul over an initializer, so ONNX Runtime's basic
(hardware-independent) optimisations fold the Transposes first.

    python scripts/bench/js_quantize.py MODEL_DIR OUT_DIR

OUT_DIR gets the folder's JSON files and onnx/encoder_model_quantized.onnx and onnx/decoder_model_merged_quantized.onnx
(the files transformers.js loads with dtype "q8"), beside links to the float32 ones. Needs onnxruntime (the
reference venv has it); benchmarks only, no test runs it.
"""
import os
import shutil
import sys

import tempfile

import onnxruntime
from onnxruntime.quantization import QuantType, quantize_dynamic


def fold_constants(source, target):
    """source with constant subgraphs (Transpose of a weight) folded into initializers, written to target."""
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = target
    onnxruntime.InferenceSession(source, options, providers=["CPUExecutionProvider"])


def main(model_dir, out_dir):
    os.makedirs(os.path.join(out_dir, "onnx"), exist_ok=True)
    for name in os.listdir(model_dir):
        if name.endswith(".json"):
            shutil.copy(os.path.join(model_dir, name), os.path.join(out_dir, name))
    for stem in ("encoder_model", "decoder_model_merged"):
        source = os.path.abspath(os.path.join(model_dir, "onnx", stem + ".onnx"))
        link = os.path.join(out_dir, "onnx", stem + ".onnx")
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(source, link)
        # transformers.js's scripts/quantize.py: uint8 weights for q8, per tensor, no reduced range.
        with tempfile.TemporaryDirectory() as work:
            folded = os.path.join(work, stem + ".onnx")
            fold_constants(source, folded)
            quantize_dynamic(folded, os.path.join(out_dir, "onnx", stem + "_quantized.onnx"),
                             weight_type=QuantType.QUInt8, per_channel=False, reduce_range=False,
                             extra_options={"EnableSubgraph": True})
        print(f"wrote {out_dir}/onnx/{stem}_quantized.onnx", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
