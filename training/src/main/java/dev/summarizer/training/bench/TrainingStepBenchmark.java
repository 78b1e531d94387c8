package dev.summarizer.training.bench;

import dev.summarizer.training.artifacts.AdamWSettings;
import dev.summarizer.model.Presets;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5Initializer;
import dev.summarizer.runtime.Device;
import dev.summarizer.training.session.Batch;
import dev.summarizer.training.session.TrainingSession;
import dev.summarizer.training.session.TrainingSettings;
import dev.summarizer.lora.LoraAdapter;
import dev.summarizer.lora.LoraConfig;
import dev.summarizer.lora.LoraInitializer;
import dev.summarizer.lora.LoraTargets;
import dev.summarizer.model.ParameterSpec;
import dev.summarizer.model.T5ParameterLayout;
import dev.summarizer.training.lora.LoraParameters;
import java.util.List;
import java.util.Random;

/**
 * Times training steps (forward, backward and AdamW) of a preset model on random token batches and prints
 * one JSON line: {@code TrainingStepBenchmark PRESET BATCH SOURCE_LEN TARGET_LEN STEPS [threads] [dropout]
 * [lora_r lora_target_modules]}. With a LoRA rank, only an adapter of that rank (alpha 2r, the adapter's dropout the
 * model's) on the comma-separated target modules trains, the model frozen. Peak memory is measured from outside
 * (e.g. /usr/bin/time -v).
 */
public final class TrainingStepBenchmark {
    private TrainingStepBenchmark() {}

    /** Full fine-tuning of random weights, or (rank above 0) a LoRA adapter beside them, initialised as PEFT does. */
    private static TrainingSession open(T5Config config, TrainingSettings settings, int threads, int loraRank,
            List<String> loraTargets, double dropout) throws Exception {
        if (loraRank == 0) {
            return TrainingSession.create(T5Initializer.initialize(config, 42), settings, Device.CPU, threads);
        }
        T5ParameterLayout layout = new T5ParameterLayout(config);
        LoraConfig lora = new LoraConfig(loraRank, 2.0 * loraRank, dropout, loraTargets);
        List<String> modules = LoraTargets.modules(layout, loraTargets);
        LoraAdapter adapter = LoraInitializer.initialize(lora, layout, modules, 42);
        // The frozen weights are read when a session opens, as a run reads them from its model folder.
        return TrainingSession.start(LoraParameters.over(() -> T5Initializer.initialize(config, 42), lora, modules, "random"),
                adapter.tensors(), settings, Device.CPU, threads);
    }

    public static void main(String[] args) throws Exception {
        String preset = args[0];
        int batch = Integer.parseInt(args[1]);
        int source = Integer.parseInt(args[2]);
        int target = Integer.parseInt(args[3]);
        int steps = Integer.parseInt(args[4]);
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        double dropout = args.length > 6 ? Double.parseDouble(args[6]) : 0.0;
        int loraRank = args.length > 7 ? Integer.parseInt(args[7]) : 0;
        List<String> loraTargets = args.length > 8 ? List.of(args[8].split(",")) : LoraConfig.DEFAULT_TARGETS;
        T5Config config = Presets.config(preset);
        Random random = new Random(7);
        long[][] ids = new long[batch][source];
        long[][] mask = new long[batch][source];
        long[][] labels = new long[batch][target];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < source; i++) {
                ids[b][i] = i == source - 1 ? 1 : 2 + random.nextInt(config.vocabSize() - 2);
                mask[b][i] = 1;
            }
            for (int i = 0; i < target; i++) {
                labels[b][i] = i == target - 1 ? 1 : 2 + random.nextInt(config.vocabSize() - 2);
            }
        }
        Batch data = new Batch(ids, mask, labels);
        TrainingSettings settings = new TrainingSettings(dropout, 42, 0, new AdamWSettings(0.9, 0.999, 1e-8, 0.01), 1.0);
        long startSetup = System.nanoTime();
        try (TrainingSession session = open(config, settings, threads, loraRank, loraTargets, dropout)) {
            double setup = (System.nanoTime() - startSetup) / 1e9;
            // The weights the session was made from (a heap copy, garbage now) would otherwise stay in the process's
            // memory until some later collection: the peak should be the training state's, for both kinds of run.
            System.gc();
            // The first step pays one-time allocations; it is reported apart.
            long t0 = System.nanoTime();
            session.trainStep(data);
            session.optimizerStep(1e-4);
            double first = (System.nanoTime() - t0) / 1e9;
            double forwardBackward = 0;
            double optimizer = 0;
            double loss = 0;
            for (int i = 0; i < steps; i++) {
                long a = System.nanoTime();
                loss = session.trainStep(data);
                long b = System.nanoTime();
                session.optimizerStep(1e-4);
                long c = System.nanoTime();
                forwardBackward += (b - a) / 1e9;
                optimizer += (c - b) / 1e9;
            }
            String lora = loraRank == 0 ? "" : String.format(",\"lora_r\":%d,\"lora_target_modules\":\"%s\",\"trained_parameters\":%d",
                    loraRank, String.join(",", loraTargets), session.trainable().trained().stream().mapToLong(ParameterSpec::elementCount).sum());
            System.out.printf("{\"implementation\":\"summarizer-java%s\",\"preset\":\"%s\",\"batch\":%d,\"source\":%d,\"target\":%d,"
                    + "\"threads\":%d,\"setup_s\":%.2f,\"first_step_s\":%.3f,\"step_s\":%.3f,\"forward_backward_s\":%.3f,"
                    + "\"optimizer_s\":%.3f,\"steps\":%d,\"last_loss\":%.4f%s}%n", loraRank == 0 ? "" : " lora", preset, batch, source,
                    target, threads, setup, first, (forwardBackward + optimizer) / steps, forwardBackward / steps, optimizer / steps,
                    steps, loss, lora);
        }
    }
}
