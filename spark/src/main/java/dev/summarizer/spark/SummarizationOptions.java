package dev.summarizer.spark;

import dev.summarizer.generate.GenerationOverrides;
import dev.summarizer.generate.OnnxSeq2SeqModel.DecoderMode;
import dev.summarizer.runtime.Device;
import java.io.Serializable;

/**
 * How a Spark job summarizes: which model folder, the generation settings given explicitly (the others are the
 * model's defaults, exactly as for {@code summarize}), and how each executor runs the model. Travels to the
 * executors with every task.
 *
 * @param model the exported model folder: a path that every executor can read (local mode, or shared storage
 *     mounted at the same place on every node), or a URI with a scheme (hdfs://, s3a://, file://) that Spark copies to
 *     each executor once
 * @param generation the settings that replace the model's defaults
 * @param batchSize rows decoded together inside a partition
 * @param threads ONNX Runtime intra-op threads of each task's decoding; 0 for {@code spark.task.cpus}
 * @param device where ONNX Runtime runs on the executors
 * @param decoder which decoder files the loop runs
 */
public record SummarizationOptions(String model, GenerationOverrides generation, int batchSize, int threads,
        Device device, DecoderMode decoder) implements Serializable {
    public static final int DEFAULT_BATCH_SIZE = 8;

    public SummarizationOptions {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("a model folder is required");
        }
        if (generation == null || device == null || decoder == null) {
            throw new IllegalArgumentException("generation, device and decoder are required");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must not be negative, got " + threads);
        }
    }

    /** The model's own generation settings, batches of 8, {@code spark.task.cpus} threads, CPU, separate decoders. */
    public static SummarizationOptions forModel(String model) {
        return new SummarizationOptions(model, GenerationOverrides.none(), DEFAULT_BATCH_SIZE, 0, Device.CPU,
                DecoderMode.SEPARATE);
    }

    public SummarizationOptions withGeneration(GenerationOverrides other) {
        return new SummarizationOptions(model, other, batchSize, threads, device, decoder);
    }

    public SummarizationOptions withBatchSize(int rows) {
        return new SummarizationOptions(model, generation, rows, threads, device, decoder);
    }

    public SummarizationOptions withThreads(int count) {
        return new SummarizationOptions(model, generation, batchSize, count, device, decoder);
    }

    public SummarizationOptions withDevice(Device other) {
        return new SummarizationOptions(model, generation, batchSize, threads, other, decoder);
    }

    public SummarizationOptions withDecoder(DecoderMode other) {
        return new SummarizationOptions(model, generation, batchSize, threads, device, other);
    }
}
