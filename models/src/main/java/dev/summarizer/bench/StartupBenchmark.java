package dev.summarizer.bench;

import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.summarizer.Json;
import dev.summarizer.export.ModelDtype;
import dev.summarizer.export.OptimumLayout;
import dev.summarizer.generate.GenerationSettings;
import dev.summarizer.generate.ModelTokenizer;
import dev.summarizer.generate.OnnxSeq2SeqModel;
import dev.summarizer.generate.Summarizer;
import dev.summarizer.model.ModelFolder;
import dev.summarizer.model.TokenizerFiles;
import dev.summarizer.runtime.Device;
import dev.summarizer.runtime.Sessions;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the time before a one-off summary goes, in one JVM: its start, ONNX Runtime's environment (the native
 * library), the tokenizer, each session alone (wall and process CPU seconds), then {@link Summarizer#open} as the
 * commands call it (sessions side by side, tokenizer alongside) and the first summary. Prints one JSON object.
 *
 * <pre>StartupBenchmark MODEL_DIR [fp32|q8|q4] [separate|merged]</pre>
 */
public final class StartupBenchmark {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static long wall = System.nanoTime();
    private static long cpu = OS.getProcessCpuTime();

    private StartupBenchmark() {}

    /** Records the wall and CPU seconds since the last phase as {@code name}. */
    private static void phase(ObjectNode out, String name) {
        long w = System.nanoTime();
        long c = OS.getProcessCpuTime();
        out.putObject(name).put("wall_s", (w - wall) / 1e9).put("cpu_s", (c - cpu) / 1e9);
        wall = w;
        cpu = c;
    }

    public static void main(String[] args) throws Exception {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("jvm_start_to_main_s",
                (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3);
        Path dir = Path.of(args[0]);
        ModelDtype dtype = ModelDtype.parse(args.length > 1 ? args[1] : "fp32");
        OnnxSeq2SeqModel.DecoderMode mode = args.length > 2 && args[2].equals("merged")
                ? OnnxSeq2SeqModel.DecoderMode.MERGED : OnnxSeq2SeqModel.DecoderMode.SEPARATE;
        out.put("dtype", dtype.cliName());
        out.put("decoder", mode.name().toLowerCase());
        ModelFolder folder = ModelFolder.open(dir);
        folder.readConfig();
        Sessions.environment();
        phase(out, "config_and_onnxruntime_environment");
        try (ModelTokenizer tokenizer = ModelTokenizer.open(folder.file(TokenizerFiles.TOKENIZER_JSON))) {
            phase(out, "tokenizer");
        }
        for (String file : OnnxSeq2SeqModel.files(mode)) {
            Path path = dir.resolve(OptimumLayout.ONNX_FOLDER).resolve(dtype.fileName(file));
            try (OrtSession session = Sessions.open(path, Device.CPU, 0)) {
                phase(out, "session " + dtype.fileName(file));
            }
        }
        try (Summarizer summarizer = Summarizer.open(folder, Device.CPU, 0, mode, dtype)) {
            phase(out, "summarizer_open (sessions side by side, tokenizer alongside)");
            GenerationSettings settings = summarizer.defaults();
            summarizer.summarize(List.of("Anna: Are we still meeting at noon?\nBen: Yes, see you at the station."), settings);
            phase(out, "first_summary");
        }
        System.out.println(Json.MAPPER.writeValueAsString(out));
    }
}
