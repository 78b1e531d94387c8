package dev.summarizer.commands;

import dev.summarizer.cli.Command;
import dev.summarizer.cli.Options;
import dev.summarizer.cli.ParsedArgs;
import dev.summarizer.cli.QuantizeFlags;
import dev.summarizer.cli.UserException;
import dev.summarizer.export.OnnxExport;
import dev.summarizer.export.quantize.QuantizationSpec;
import dev.summarizer.model.ModelFolder;
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
                .option("out", "DIR", "where to write; default: into the model folder itself"))
                .note("The ONNX files follow Hugging Face Optimum's layout: Optimum's ORTModelForSeq2SeqLM,\n"
                        + "transformers.js and onnxruntime load the folder unchanged. onnx/ is replaced as a whole:\n"
                        + "quantized files of an earlier export go unless --quantize asks for them again.\n"
                        + "--quantize quantizes every linear layer and the lm_head (ONNX Runtime's MatMulNBits,\n"
                        + "symmetric, accuracy_level 4); the embedding, norms and attention stay float32.\n\n"
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
        OnnxExport.export(model, out, quantizations, System.err::println);
        System.out.printf("exported %s in %.1f s%n", out.resolve("onnx"), (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
