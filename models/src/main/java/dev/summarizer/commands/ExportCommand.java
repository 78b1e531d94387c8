package dev.summarizer.commands;

import dev.summarizer.cli.Command;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.cli.QuantizeFlags;
import dev.summarizer.cli.UsageException;
import dev.summarizer.cli.UserException;
import dev.summarizer.export.OnnxExport;
import dev.summarizer.export.quantize.QuantizationSpec;
import dev.summarizer.lora.AdapterFiles;
import dev.summarizer.lora.LoraAdapter;
import dev.summarizer.lora.LoraMerge;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5Weights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code export}: the Optimum-layout ONNX files (and the Hugging Face files) of a model folder. */
public final class ExportCommand implements Command {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "write onnx/encoder_model.onnx and the three decoders (and 8-/4-bit copies) for a model folder";
    }

    @Override
    public Options options() {
        return QuantizeFlags.addTo(new Options()
                .option("model", "DIR", "the model folder (config.json, model.safetensors, tokenizer)")
                .option("out", "DIR", "where to write; default: into the model folder itself")
                .option("max-shard-size", "SIZE", "a copy's weights in model-0000N-of-0000M.safetensors shards of at most "
                        + "this (e.g. 5GB, 500MB), as save_pretrained's max_shard_size", "5GB")
                .option("lora-adapter", "DIR", "merge this PEFT LoRA adapter folder into the weights first (needs --out)"))
                .note("The ONNX files follow Hugging Face Optimum's layout: Optimum's ORTModelForSeq2SeqLM,\n"
                        + "transformers.js and onnxruntime load the folder unchanged. onnx/ is replaced as a whole:\n"
                        + "quantized files of an earlier export go unless --quantize asks for them again.\n"
                        + "--quantize quantizes every linear layer and the lm_head (ONNX Runtime's MatMulNBits,\n"
                        + "symmetric, accuracy_level 4); the embedding, norms and attention stay float32.\n"
                        + "With --lora-adapter the folder at --out is the merged model (W + alpha / r * B @ A, as PEFT's\n"
                        + "merge_and_unload); the base folder stays as it is.\n\n"
                        + "example:\n"
                        + "  summarizer export --model out/final --quantize q8,q4\n"
                        + "  summarizer summarize --model out/final --dtype q8 \"Anna: Lunch?\"");
    }

    @Override
    public int run(ParsedArgs args) throws Exception {
        List<QuantizationSpec> quantizations = QuantizeFlags.specs(args);
        ModelFolder model = ModelFolder.open(args.requiredPath("model"));
        Path out = args.has("out") ? args.path("out") : model.dir();
        boolean inPlace = Files.exists(out) && Files.isSameFile(out, model.dir());
        if (!inPlace && Files.exists(out) && !InitCommand.isEmptyFolder(out)) {
            throw new UserException(out + " already exists; choose an empty or new --out folder");
        }
        long start = System.nanoTime();
        if (args.has("lora-adapter")) {
            if (inPlace || !args.has("out")) {
                throw new UsageException("--lora-adapter needs an --out folder of its own: the merged model is a new folder");
            }
            T5Config config = model.readConfig();
            T5Weights base = model.readWeights(config);
            LoraAdapter adapter = AdapterFiles.read(args.path("lora-adapter"), base.layout());
            System.err.printf("merging %s (r %d, alpha %s, %d layers)%n", args.path("lora-adapter"), adapter.config().r(),
                    adapter.config().alpha(), adapter.modules().size());
            OnnxExport.exportFolder(LoraMerge.merged(base, adapter), model, out, maxShardSize(args), quantizations,
                    System.err::println);
        } else {
            OnnxExport.export(model, out, maxShardSize(args), quantizations, System.err::println);
        }
        System.out.printf("exported %s in %.1f s%n", out.resolve("onnx"), (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** {@code --max-shard-size}, shared with train. */
    public static long maxShardSize(ParsedArgs args) {
        Long bytes = dev.summarizer.model.WeightFiles.parseSize(args.required("max-shard-size"));
        if (bytes == null) {
            throw new dev.summarizer.cli.UsageException("--max-shard-size: expected a size such as 5GB, 500MB or 2GiB, got \""
                    + args.string("max-shard-size") + "\"");
        }
        return bytes;
    }
}
