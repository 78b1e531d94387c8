package dev.summarizer.training.bench;

import dev.summarizer.training.artifacts.AdamWSettings;
import dev.summarizer.model.Presets;
import dev.summarizer.model.T5Config;
import dev.summarizer.model.T5Initializer;
import dev.summarizer.model.T5Weights;
import dev.summarizer.runtime.Device;
import dev.summarizer.training.session.Batch;
import dev.summarizer.training.session.TrainingSession;
import dev.summarizer.training.session.TrainingSettings;
import java.util.Random;

/**
 * Times training steps (forward, backward and AdamW) of a preset model on random token batches and prints
 * one JSON line: {@code TrainingStepBenchmark PRESET BATCH SOURCE_LEN TARGET_LEN STEPS [threads] [dropout]}.
 * Peak memory is measured from outside (e.g. /usr/bin/time -v).
 */
public final class TrainingStepBenchmark {
    private TrainingStepBenchmark() {}

    public static void main(String[] args) throws Exception {
        String preset = args[0];
        int batch = Integer.parseInt(args[1]);
        int source = Integer.parseInt(args[2]);
        int target = Integer.parseInt(args[3]);
        int steps = Integer.parseInt(args[4]);
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        double dropout = args.length > 6 ? Double.parseDouble(args[6]) : 0.0;
        T5Config config = Presets.config(preset);
        T5Weights weights = T5Initializer.initialize(config, 42);
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
        try (TrainingSession session = TrainingSession.create(weights, settings, Device.CPU, threads)) {
            double setup = (System.nanoTime() - startSetup) / 1e9;
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
            System.out.printf("{\"implementation\":\"summarizer-java\",\"preset\":\"%s\",\"batch\":%d,\"source\":%d,\"target\":%d,"
                    + "\"threads\":%d,\"setup_s\":%.2f,\"first_step_s\":%.3f,\"step_s\":%.3f,\"forward_backward_s\":%.3f,"
                    + "\"optimizer_s\":%.3f,\"steps\":%d,\"last_loss\":%.4f}%n", preset, batch, source, target, threads, setup,
                    first, (forwardBackward + optimizer) / steps, forwardBackward / steps, optimizer / steps, steps, loss);
        }
    }
}
